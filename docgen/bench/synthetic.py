"""A synthetic packet of N evaluated projects, for timing ``docgen build`` at a province's scale.

:func:`write_packet` writes, into a folder of the caller's (never the user's files):

* ``p00001.yaml`` … one YAML file per project, as a province's data arrives (and as
  the incremental loader caches them): varied names, departments, object types, amounts whose
  figures agree (执行数 ≤ 预算数, 预算执行率 = 执行数 ÷ 预算数 rounded half up, 项目支出 = 执行数),
  scores in every grade band with the grade they imply, and paragraphs of varied length;
* ``publisher.yaml`` (the result sheets' heading);
* ``report.yaml``, unless ``summaries`` is off: a 财政局 report with the ranked score table
  and a results summary with its attachment table over all projects;
* ``packet.yaml`` naming the documents and ``formats``.

The same ``n`` and ``seed`` give the same bytes, so runs are comparable. The data validates
without errors (``docgen validate``), so a build renders every document.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from docgen.families import FAMILIES

AREA = "云溪市"
YEAR = 2024

DEPARTMENTS = [
    "教育局", "卫生健康委员会", "农业农村局", "水利局", "交通运输局", "住房和城乡建设局", "民政局",
    "人力资源和社会保障局", "生态环境局", "自然资源局", "文化和旅游局", "应急管理局", "市场监督管理局",
    "公安局", "司法局", "财政局", "商务局", "工业和信息化局", "科学技术局", "林业局", "医疗保障局",
    "退役军人事务局", "体育局", "城市管理局", "机关事务服务中心", "融媒体中心", "档案馆", "图书馆",
]
UNITS = ["服务中心", "事务中心", "管理站", "第一中学", "人民医院", "疾病预防控制中心", "技术推广站",
         "综合执法大队", "信息中心", "发展中心"]
TOPICS = [
    "义务教育薄弱环节改善与能力提升", "基本公共卫生服务", "高标准农田建设", "农村饮水安全巩固提升",
    "农村公路养护", "老旧小区改造", "城乡低保及特困人员救助", "就业创业补助", "大气污染防治",
    "地质灾害防治", "公共文化服务体系建设", "应急物资储备", "食品安全抽检", "智慧城市建设",
    "中小企业发展专项", "科技创新奖励", "森林防火", "医疗救助", "全民健身设施补短板",
    "城市园林绿化养护", "政务信息化运行维护", "档案数字化", "乡村振兴衔接资金", "职业技能培训",
]
AGENCIES = ["云溪明德会计师事务所", "云溪正信项目管理有限公司", "华衡工程咨询有限公司", "信达资产评估事务所",
            "中正会计师事务所（特殊普通合伙）", "同信绩效评价研究中心"]
OBJECT_TYPES = ["项目", "政策", "部门整体"]
#: Grade bands of 财预〔2020〕10号 (lowest, highest score in hundredths) and their weights.
BANDS = [("优", 9000, 10000, 30), ("良", 8000, 8999, 40), ("中", 6000, 7999, 22), ("差", 3000, 5999, 8)]

CLAUSES = [
    "项目年度目标基本完成，资金拨付及时，管理制度较为健全",
    "绩效目标设置不够细化、量化，部分指标缺少可衡量的目标值",
    "预算编制依据不够充分，预算调整率偏高，年末结转资金较多",
    "项目实施过程中监督检查不到位，日常管护责任未落实到人",
    "政府采购程序规范，合同管理有序，验收资料较为完整",
    "受益群众满意度较高，项目社会效益和可持续影响逐步显现",
    "部分子项目进度滞后，资金支付进度慢于工作计划",
    "档案资料归集不完整，缺少过程记录和阶段性成果资料",
    "财务核算基本规范，但专款专用的台账记录不够清晰",
    "与相关部门的协调机制尚不健全，存在职责交叉的情况",
]
ADVICE = [
    "进一步细化量化绩效目标，提升目标的可衡量性",
    "加强预算编制的科学性，减少年中调整",
    "健全项目监督管理制度，落实日常检查与考核",
    "完善档案管理，及时归集项目过程资料",
    "加快项目实施进度，提高资金使用效益",
    "强化部门协同，明确职责分工",
]


def _paragraph(rng: random.Random, sentences: int) -> str:
    return "；".join(rng.choice(CLAUSES) for _ in range(sentences)) + "。"


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP)}万元"


def project(rng: random.Random, index: int) -> dict:
    """The ``index``-th project (0-based) as the mapping its YAML file holds."""
    department = f"{AREA}{rng.choice(DEPARTMENTS)}"
    grade, low, high, _ = rng.choices(BANDS, weights=[b[3] for b in BANDS])[0]
    if index < len(BANDS):  # every band from the first projects on, however few
        grade, low, high, _ = BANDS[index]
    score = Decimal(rng.randint(low, high)) / 100
    budget = Decimal(rng.randint(500, 50_000_000)) / 100  # 5.00 to 500,000.00 万元
    executed = (budget * Decimal(rng.randint(6000, 10000)) / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP)
    rate = (executed / budget * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    kind = rng.choice(OBJECT_TYPES)
    topic = rng.choice(TOPICS)
    name = (f"{YEAR - 1}年度{department}部门整体支出绩效评价（{index + 1}）" if kind == "部门整体"
            else f"{YEAR - 1}年{topic}{'政策' if kind == '政策' else '项目'}（{index + 1}）")
    units = [f"{department[:-1] if department.endswith('局') else department}{u}"
             for u in rng.sample(UNITS, rng.choice([1, 1, 1, 2, 3]))]
    return {
        "object_type": kind,
        "department": department,
        "name": name,
        "implementing_units": units,
        "evaluation_year": YEAR,
        "overview": [_paragraph(rng, rng.randint(2, 9)) for _ in range(rng.randint(1, 3))],
        "implementation": [f"项目全年预算{_money(budget)}，执行{_money(executed)}。{_paragraph(rng, 2)}"],
        "expenditure": _money(executed),
        "budget": _money(budget),
        "executed": _money(executed),
        "execution_rate": f"{rate}%",
        "score": f"{score:.2f}",
        "grade": grade,
        "agency": rng.choice(AGENCIES),
        "problems": [_paragraph(rng, rng.randint(1, 5)) for _ in range(rng.randint(1, 5))],
        "rectification": [rng.choice(ADVICE) + "。" for _ in range(rng.randint(1, 5))],
    }


def _yaml_text(value) -> str:
    """A scalar in double quotes (every generated text is one line without quotes or backslashes)."""
    return f'"{value}"' if isinstance(value, str) else str(value)


def _project_yaml(p: dict) -> str:
    lines = ["# yaml-language-server: $schema=../../schemas/project.schema.json"]
    for key, value in p.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {_yaml_text(v)}" for v in value]
        else:
            lines.append(f"{key}: {_yaml_text(value)}")
    return "\n".join(lines) + "\n"


REPORT = f"""\
report:
  issuer_mark: "{AREA}财政局文件"
  document_number: {{prefix: "云财绩", year: {YEAR}, serial: 8}}
  title: "{AREA}关于{YEAR}年度{{评价数}}个项目（政策、部门整体）重点绩效评价情况的报告"
  addressee: "{AREA}人民政府"
  preamble:
    - "根据全面实施预算绩效管理的要求，我局组织第三方机构对{YEAR - 1}年度重点项目、政策和部门整体支出开展了绩效评价，现将评价结果报告如下："
  sections:
    - heading: "评价方式"
      paragraphs:
        - "本次评价采取第三方机构独立评价的方式，通过资料核查、现场勘查、问卷调查和访谈等方式开展，按评价方案设定的指标打分。"
    - heading: "评价结果"
      paragraphs:
        - "共评价{{评价数}}个项目（政策、部门整体），涉及资金{{总金额}}万元，其中{{等级分布}}。评价结果如下表："
    - heading: "发现的问题"
      paragraphs:
        - "{CLAUSES[1]}；{CLAUSES[2]}；{CLAUSES[3]}。"
    - heading: "工作建议"
      paragraphs:
        - "{ADVICE[0]}；{ADVICE[2]}；{ADVICE[4]}。"
  score_table:
    title: "{YEAR}年度{{评价数}}个项目（政策、部门整体）重点绩效评价得分表"
    after_section: 2
  signature: "{AREA}财政局"
  date: {YEAR}-12-31
results_summary:
  title: "{AREA}{YEAR}年度重点绩效评价结果情况说明"
  paragraphs:
    - "{YEAR}年度共对{{评价数}}个项目（政策、部门整体）开展重点绩效评价，涉及资金{{总金额}}万元，评价等级为“优”的{{优数}}个，评价等级为“良”的{{良数}}个，评价等级为“中”的{{中数}}个，评价等级为“差”的{{差数}}个，涉及部门单位{{单位数}}个。"
  attachment_title: "{AREA}{YEAR}年度重点绩效评价结果汇总表"
  signature: "{AREA}财政局"
  date: {YEAR}-12-31
"""


def write_packet(folder: Path, n: int, seed: int = 2024, formats: tuple[str, ...] = ("docx", "pdf"),
                 summaries: bool = True, combined: bool = False) -> Path:
    """Write the synthetic packet of ``n`` projects into ``folder`` (created; files of the same
    names are overwritten) and return its ``packet.yaml``."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"p{i + 1:05d}.yaml").write_text(_project_yaml(project(rng, i)), encoding="utf-8")
    (folder / "publisher.yaml").write_text(
        f'publisher:\n  area: "{AREA}"\n  sheet_title: "重大政策和重点项目预算绩效评价结果"\n', encoding="utf-8")
    # the families the blocks written declare (the registry names them, not this module)
    blocks = {"publisher"} | ({"report", "results_summary"} if summaries else set())
    documents = [f.name for f in FAMILIES if f.block.key in blocks]
    if summaries:
        (folder / "report.yaml").write_text(REPORT, encoding="utf-8")
    name = f"{AREA}{YEAR}年度绩效评价结果（{n}个项目）.pdf"
    (folder / "packet.yaml").write_text(
        f'title: "{AREA}{YEAR}年度重点绩效评价结果（合成数据，{n}个项目）"\n'
        f"date: {YEAR + 1}-01-15\n"
        "inputs: [.]\n"
        f"documents: [{', '.join(documents)}]\n"
        f"formats: [{', '.join(formats)}]\n"
        f"combined: {name if combined and 'pdf' in formats else 'false'}\n"
        # the summaries of thousands of rows are long documents: on a busy machine the default
        # 120 s would stop them, and the benchmark times the build, not the limit
        "limits: {seconds: 0}\n", encoding="utf-8")
    return folder / "packet.yaml"


def change_score(folder: Path, index: int = 0) -> tuple[str, str]:
    """Change the score of project ``index`` (0-based) in its file to another of the same grade
    band (so the grade stays right): returns (file name, the new score as printed)."""
    path = folder / f"p{index + 1:05d}.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("score:"))
    old = Decimal(lines[at].split('"')[1])
    # a hundredth down keeps the band, except at a band's floor: a hundredth up there
    new = old + Decimal("0.01") if old in (90, 80, 60) else old - Decimal("0.01")
    lines[at] = f'score: "{new:.2f}"'
    path.write_text("\n".join(lines), encoding="utf-8")
    return path.name, f"{new:.2f}"
