"""部门决算公开: 第三部分 情况说明, every sentence built from the computed figures and the
department's own reasons, so text and tables agree."""

from __future__ import annotations

from decimal import Decimal

from docgen.contexts.common import Heading
from docgen.models.accounts import Accounts, Department, Explanations
from docgen.rules import Numbering, number_label
from docgen.rules.accounts import (
    THREE_PUBLIC, ZERO, Computed, fund_lines_total, printed_performance_facts, three_public_totals
)
from docgen.contexts.final_accounts.cells import change, pct, percent, reason, wan


def build_explanations(department: Department, accounts: Accounts, ex: Explanations, c: Computed) -> list[Heading]:
    y = department.year
    s, fis, f = c.summary, c.fiscal, c.functions
    py, r = ex.prior_year, ex.reasons
    sections = []

    def section(n, title, paragraphs, subsections=()):
        sections.append(Heading(number_label(n, Numbering.CHINESE_COMMA), title, list(paragraphs), list(subsections)))

    def compare_totals(what_in, cur_in, prior_in, what_out, cur_out, prior_out):
        parts = [p for p in (change(cur_in, prior_in, what_in), change(cur_out, prior_out, what_out)) if p]
        return f"与上年相比，{'，'.join(parts)}。" if parts else ""

    section(1, "收入支出决算总体情况说明", [
        f"{y}年度收入总计{wan(s.grand_income)}，支出总计{wan(s.grand_expenditure)}。"
        + compare_totals("收入总计", s.grand_income, py.income_total, "支出总计", s.grand_expenditure, py.expenditure_total)
        + reason(r.totals)])

    income = f.total("income")
    items = [("财政拨款收入", income.get("fiscal")), ("上级补助收入", income.get("superior")),
             ("事业收入", income.get("business")), ("经营收入", income.get("operating")),
             ("附属单位上缴收入", income.get("affiliated")), ("其他收入", income.get("other"))]
    section(2, "收入决算情况说明", [f"{y}年度收入合计{wan(income.get('total'))}，其中："]
            + _listing(items, income.get("total")))

    spent = f.total("expenditure")
    items = [("基本支出", spent.get("basic")), ("项目支出", spent.get("project")), ("上缴上级支出", spent.get("remit")),
             ("经营支出", spent.get("operating")), ("对附属单位补助支出", spent.get("subsidy"))]
    section(3, "支出决算情况说明", [f"{y}年度支出合计{wan(spent.get('total'))}，其中："] + _listing(items, spent.get("total")))

    section(4, "财政拨款收支决算总体情况说明", [
        f"{y}年度财政拨款收入总计{wan(fis.grand_income)}，支出总计{wan(fis.grand_expenditure['total'])}。"
        + compare_totals("财政拨款收入总计", fis.grand_income, py.fiscal_income_total,
                         "财政拨款支出总计", fis.grand_expenditure["total"], py.fiscal_expenditure_total)
        + reason(r.fiscal_totals)])

    general = f.total("general_budget")
    gb_total = general.get("total")
    cats = f.categories("general_budget")
    budget = ex.annual_budget
    overall = (f"{y}年一般公共预算财政拨款决算支出{wan(gb_total)}，占本年支出合计的{pct(gb_total, spent.get('total'))}。"
               + (f"与上年相比，{change(gb_total, py.general_budget_expenditure, '一般公共预算财政拨款支出')}。"
                  if py.general_budget_expenditure is not None else "") + reason(r.general_budget))
    structure = [f"{y}年度一般公共预算财政拨款支出{wan(gb_total)}，主要用于以下方面："] + _listing(
        [(f"{row.name}(类)", row.get("total")) for row in cats], gb_total)
    detail = f"{y}年度一般公共预算财政拨款支出年初预算{wan(budget.general_budget_total)}，支出决算{wan(gb_total)}"
    if budget.general_budget_total:
        detail += f"，完成年初预算的{pct(gb_total, budget.general_budget_total)}"
    clauses = []
    for row in cats:
        planned = budget.categories.get(row.code)
        text = f"{row.name}年初预算{wan(planned)}，支出决算{wan(row.get('total'))}"
        if planned:
            text += f"，完成年初预算的{pct(row.get('total'), planned)}"
        note = r.categories.get(row.code)
        if note and note.use:
            text += f"，用于{note.use}"
        prior = py.categories.get(row.code)
        if prior is not None:
            shown = f"较{y - 1}年决算{wan(prior)}" if prior else f"较{y - 1}年决算"
            text += f"，{shown}{change(row.get('total'), prior)}"
        if note and note.reason:
            text += f"，主要原因是{note.reason}"
        clauses.append(text)
    section(5, "一般公共预算财政拨款支出决算情况说明", [], [
        Heading("（一）", "一般公共预算财政拨款支出决算总体情况", [overall]),
        Heading("（二）", "一般公共预算财政拨款支出决算结构情况", structure),
        Heading("（三）", "一般公共预算财政拨款支出决算具体情况", [detail + "。其中：", "；".join(clauses) + "。"]),
    ])

    e = c.economic
    personnel = [row for row in e.rows if row.personnel and len(row.code) == 5 and row.amount]
    public = [row for row in e.rows if not row.personnel and len(row.code) == 5 and row.amount]
    section(6, "一般公共预算财政拨款基本支出决算情况说明", [
        f"{y}年度财政拨款基本支出{wan(general.get('basic'))}，其中：",
        f"人员经费{wan(e.personnel)}" + (f"，主要包括{'、'.join(f'{x.name}{wan(x.amount)}' for x in personnel)}" if personnel else "") + "；",
        f"公用经费{wan(e.public)}" + (f"，主要包括{'、'.join(f'{x.name}{wan(x.amount)}' for x in public)}" if public else "") + "。",
    ])

    section(7, "政府性基金预算财政拨款收支决算情况说明",
            [_fund_sentence(y, accounts.government_fund, "政府性基金预算财政拨款支出",
                            r.government_fund or "本年度无此项收支。")])
    section(8, "国有资本经营预算财政拨款支出决算情况说明",
            [_fund_sentence(y, accounts.state_capital, "国有资本经营预算财政拨款支出",
                            r.state_capital or "本年度无此项支出。")])
    section(9, "财政拨款“三公”经费支出决算情况说明", [], _three_public(y, accounts, ex))

    st = accounts.statistics
    running = c.statistics.operating_costs_total
    p = st.procurement
    procured = c.statistics.procurement_total
    vehicles = c.statistics.vehicles
    vehicle_text = "、".join(f"{label}{n}辆" for label, n in vehicles[:-1]) + f"，{vehicles[-1][0]}{vehicles[-1][1]}辆"
    if ex.other_vehicles_note:
        vehicle_text += f"，其他用车主要是{ex.other_vehicles_note}"
    running_text = f"{y}年机关运行经费支出{wan(running)}"
    if py.operating_costs is not None:
        running_text += f"，比{y - 1}年{change(running, py.operating_costs)}"
    running_text += f"，{reason(r.operating_costs)}" if r.operating_costs else "。"
    facts = printed_performance_facts(ex, c)
    perf = ex.performance
    performance = (
        f"根据预算绩效管理要求，一是组织对{y}年度年初预算安排的所有项目资金全面开展了绩效自评，涉及二级项目"
        f"{facts['projects']}个，资金{wan(facts['amount'])}，占项目支出总额的{percent(facts['share'])}，"
        f"其中一般公共预算项目支出{wan(facts['amount'])}、政府性基金预算项目支出{wan(ZERO)}、"
        f"国有资金经营预算项目支出{wan(ZERO)}、社会保险基金预算项目支出{wan(ZERO)}。自评结果为："
        f"{facts['excellent']}个项目自评等级为“优”，{facts['good']}个项目自评等级为“良”，{facts['fair']}个项目自评等级为“中”，"
        f"{facts['poor']}个项目自评等级为“差”。"
        + (f"对于自评结果为“中”和“差”的项目，采取的改进管理措施为{perf.measures}（涉密项目除外）。" if perf.measures else "")
        + f"二是组织对{perf.department_evaluations.count}个项目开展了部门评价，涉及资金{wan(perf.department_evaluations.amount)}"
          f"（涉密项目除外）。")
    section(10, "其他重要事项情况说明", [], [
        Heading("（一）", "机关运行经费支出情况说明", [running_text]),
        Heading("（二）", "政府采购情况说明", [
            f"{y}年度政府采购支出总额{wan(procured)}，其中：政府采购货物支出{wan(p.goods)}、政府采购工程支出{wan(p.works)}、"
            f"政府采购服务支出{wan(p.services)}。政府采购授予中小企业合同金额{wan(ex.procurement.sme_contracts)}，"
            f"占政府采购支出总额的{pct(ex.procurement.sme_contracts, procured)}。其中：授予小微企业合同金额"
            f"{wan(ex.procurement.small_micro_contracts)}，占政府采购支出总额的{pct(ex.procurement.small_micro_contracts, procured)}。"]),
        Heading("（三）", "国有资产占用情况说明", [
            f"截至{y}年12月31日，本部门（单位）共有车辆{c.statistics.vehicles_total}辆。其中：{vehicle_text}；"
            f"单价100万元（含）以上设备（不含车辆）{st.large_equipment or 0}台（套）。"]),
        Heading("（四）", "预算绩效情况说明", [], [
            Heading("1、", "预算绩效管理工作开展情况", [performance, "附件：二级项目绩效自评表"]),
            Heading("2、", "其他需要说明的事项", [ex.other_matters or "无。"]),
        ]),
    ])
    return sections


def _fund_sentence(year: int, lines, noun: str, when_empty: str) -> str:
    """公开07/08表 in words: what was spent, or the department's “本年度无此项支出”."""
    if not lines:
        return when_empty
    return f"{year}年度{noun}{wan(fund_lines_total(lines))}。"


def _listing(items: list[tuple[str, Decimal | None]], whole: Decimal | None) -> list[str]:
    """``财政拨款收入1,654.78万元，占比100.00%；`` … the last one ending in ``。``."""
    lines = [f"{label}{wan(value)}，占比{pct(value, whole)}" for label, value in items]
    return [line + ("。" if i == len(lines) - 1 else "；") for i, line in enumerate(lines)]


def _three_public(y: int, accounts: Accounts, ex: Explanations) -> list[Heading]:
    budget = three_public_totals(accounts.three_public.budget)
    actual = three_public_totals(accounts.three_public.actual)
    prior = three_public_totals(ex.prior_year.three_public)

    def versus(now, before):
        if now == before:
            return "与上年相同"
        return change(now, before, "较上年")

    overall = (f"{y}年度“三公”经费财政拨款支出全年预算{wan(budget['total'])}，支出决算{wan(actual['total'])}，"
               f"完成全年预算的{pct(actual['total'], budget['total'])}，"
               + ("与上年“三公”经费财政拨款支出决算相同" if actual["total"] == prior["total"]
                  else change(actual["total"], prior["total"], "较上年")) + "。其中：")
    notes = ex.three_public
    lines = []
    for i, (k, label) in enumerate(THREE_PUBLIC):
        note = getattr(notes, k)
        text = f"{label}支出{wan(actual[k])}，完成全年预算的{pct(actual[k], budget[k])}，{versus(actual[k], prior[k])}"
        if note.reason:
            text += f"，主要原因是：{note.reason}"
        lines.append(text + ("。" if i == len(THREE_PUBLIC) - 1 else "；"))
    o, vp, vo, rc = notes.overseas, notes.vehicle_purchase, notes.vehicle_operation, notes.reception
    details = [
        f"1、因公出国（境）费支出{wan(actual['overseas'])}，出国团组共{o.groups or 0}个，{o.people or 0}人次。"
        + (f"主要用于：{o.use}。" if o.use else ""),
        f"2、公务用车购置支出{wan(actual['vehicle_purchase'])}，使用财政拨款共购置公务用车{vp.vehicles or 0}辆"
        + (f"，主要用于{vp.use}。" if vp.use else "。"),
        f"3、公务用车运行维护费支出{wan(actual['vehicle_operation'])}，使用财政拨款负担的公务用车保有量共{vo.vehicles or 0}辆车"
        + (f"，主要用于：{vo.use}。" if vo.use else "。"),
        _reception(actual["reception"], rc),
    ]
    return [Heading("（一）", "“三公”经费财政拨款支出决算总体情况说明", [overall] + lines),
            Heading("（二）", "“三公”经费财政拨款支出决算具体情况说明", details)]


def _reception(spent: Decimal, rc) -> str:
    d, a = rc.domestic, rc.abroad
    text = f"4、公务接待费支出{wan(spent)}，共接待{rc.batches or 0}批次，{rc.people or 0}人次。"
    if d:
        text += f"国内接待费{wan(d.amount)}，共接待{d.batches or 0}批次，{d.people or 0}人次"
        if d.foreign_affairs:
            fa = d.foreign_affairs
            text += f"，其中外事接待费{wan(fa.amount)}，共接待{fa.batches or 0}批次，{fa.people or 0}人次"
        text += f"，主要是接待{d.use}；" if d.use else "；"
    if a:
        text += f"国（境）外接待费{wan(a.amount)}，共接待国（境）外{a.batches or 0}批次，{a.people or 0}人次"
        text += f"，主要是{a.use}。" if a.use else "。"
    return text


# --------------------------------------------------------------------------- 自评表
