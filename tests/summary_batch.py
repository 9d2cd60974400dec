"""The synthetic batch of the summary families' tests: a report, a results summary and a detail
table over 36 made-up projects (tests may make up data)."""

from __future__ import annotations

from pathlib import Path

HEADER = """report:
  issuer_mark: 测试区财政局文件
  document_number: {prefix: 测财预绩, year: 2024, serial: 5}
  title: 测试区关于2024年度{评价数}个项目重点绩效评价情况的报告
  addressee: 测试区管委会
  preamble: ["现将评价结果报告如下："]
  sections:
    - heading: 评价方式
      paragraphs: ["本次评价采取第三方机构独立评价的方式。"]
    - heading: 评价结果
      paragraphs: ["{等级分布}。"]
    - heading: 工作建议
      subsections:
        - heading: 加强管理
          paragraphs: ["一是加强。"]
  score_table: {title: "2024年度{评价数}个项目得分表", after_section: 2}
  signature: 测试区财政局
  date: 2024-12-31
results_summary:
  title: 测试县2023年重点绩效评价情况说明
  paragraphs: ["确定重点项目绩效评价{评价数}个，涉及金额{总金额}万元，评价等级为“优”的{优数}个，评价等级为“良”的{良数}个，评价等级为“中”的{中数}个，评价等级为“差”的{差数}个。"]
  attachment_title: 测试县2023年重点绩效评价项目结果汇总表
  published_total: "{total}万元"
detail_table: {title: 2022年度财政支出重点绩效评价项目明细表, unit: 元}
projects:
"""

ROWS = (
    [("97.50", "1200.10", "甲评价公司"), ("94.00", "13954.79", ""), ("97.50", "10.01", "乙会计师事务所")]
    + [("85.00", f"{100 + i}.11", "丙咨询有限公司" if i == 0 else "") for i in range(30)]
    + [("72.30", "55.55", "甲评价公司"), ("59.99", "0.99", "乙会计师事务所"), ("80.00", "3.00", "甲评价公司")]
)


def write_batch(folder: Path, total: str | None = None) -> None:
    from decimal import Decimal

    total = total or str(sum(Decimal(a) for _, a, _ in ROWS))
    lines = [HEADER.replace("{total}", total)]
    for i, (score, amount, agency) in enumerate(ROWS, start=1):
        lines.append(
            f'  - name: "测试项目{i:02d}号"\n    department: "单位{i % 4}"\n    score: {score}\n'
            f'    expenditure: "{amount}万元"\n    agency: "{agency}"\n'
            f'    implementation: ["实施情况{i}第一段。", "第二段{i}。"]\n'
            f'    problems: ["问题{i}甲。", "问题{i}乙。"]\n    suggestions: ["建议{i}。"]\n'
        )
    (folder / "batch.yaml").write_text("".join(lines), encoding="utf-8")
