"""公开09表 (“三公”经费) and 公开10表 (政府采购, 机关运行经费, 国有资产占用)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from docgen.diagnostics import Finding
from docgen.models.accounts import Accounts
from docgen.rules.accounts.common import ZERO, check_entered, shown, total

THREE_PUBLIC = [("overseas", "因公出国（境）费"), ("vehicle_purchase", "公务用车购置费"),
                ("vehicle_operation", "公务用车运行维护费"), ("reception", "公务接待费")]


def three_public_totals(items) -> dict[str, Decimal]:
    values = {k: getattr(items, k) or ZERO for k, _ in THREE_PUBLIC}
    values["vehicles"] = values["vehicle_purchase"] + values["vehicle_operation"]
    values["total"] = values["overseas"] + values["vehicles"] + values["reception"]
    return values


VEHICLE_KINDS = [("vice_ministerial", "副部（省）级及以上领导用车"), ("principal", "主要负责人用车"),
                 ("confidential", "机要通信用车"), ("emergency", "应急保障用车"), ("law_enforcement", "执法执勤用车"),
                 ("special", "特种专业技术用车"), ("retired_service", "离退休干部服务用车"), ("other", "其他用车")]


@dataclass(frozen=True)
class StatisticsFigures:
    """公开10表's totals as printed (typed ones as typed), shared by the table and
    其他重要事项情况说明."""

    procurement_total: Decimal  # 政府采购: 货物 + 工程 + 服务
    operating_costs_total: Decimal  # 机关运行经费: 行政单位 + 参照公务员法管理事业单位
    vehicles: list[tuple[str, int]]  # (kind, count) in VEHICLE_KINDS order, absent counts 0
    vehicles_total: int


def _computed(accounts: Accounts) -> StatisticsFigures:
    st = accounts.statistics
    p, costs = st.procurement, st.operating_costs
    vehicles = [(label, getattr(st.vehicles, k) or 0) for k, label in VEHICLE_KINDS]
    return StatisticsFigures(
        procurement_total=total([p.goods, p.works, p.services]),
        operating_costs_total=total([costs.administrative, costs.civil_service_managed]),
        vehicles=vehicles, vehicles_total=sum(n for _, n in vehicles),
    )


def statistics_figures(accounts: Accounts) -> StatisticsFigures:
    st = accounts.statistics
    computed = _computed(accounts)
    return replace(computed, procurement_total=shown(st.procurement.total, computed.procurement_total),
                   vehicles_total=shown(st.vehicles.total, computed.vehicles_total))


def check_statistics(accounts: Accounts) -> list[Finding]:
    st = accounts.statistics
    figures = _computed(accounts)
    findings = []
    findings += check_entered(("statistics", "procurement", "total"), "政府采购合计", st.procurement.total,
                               figures.procurement_total, 3)
    vehicles = figures.vehicles_total
    if st.vehicles.total is not None and st.vehicles.total != vehicles:
        findings.append(Finding(("statistics", "vehicles", "total"), f"车辆数合计填报{st.vehicles.total}辆，各类相加为{vehicles}辆"))
    return findings
