"""The evaluated project (评价对象) and the files that hold them."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from docgen.models.values import (Amount, DecimalValue, Grade, GradeValue, IntValue, Percentage, Score,
                                  output_name_problem)


def _one_or_many(value: Any) -> Any:
    """A single text where a list is expected is a list of one."""
    return [value] if isinstance(value, str) else value


TextList = Annotated[
    list[str],
    BeforeValidator(_one_or_many),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]


class ObjectType(str, Enum):
    """评价对象类型."""

    PROJECT = "项目"
    POLICY = "政策"
    DEPARTMENT = "部门整体"


class GradeBands(BaseModel):
    """评价等级分档: the lowest score of each grade; below 中 is 差.

    Default from 财预〔2020〕10号: 90 ≤ s ≤ 100 优, 80 ≤ s < 90 良, 60 ≤ s < 80 中, s < 60 差.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, title="评价等级分档")

    excellent: DecimalValue = Field(Decimal(90), alias="优", title="“优”的最低分", description="不写时为90（财预〔2020〕10号）")
    good: DecimalValue = Field(Decimal(80), alias="良", title="“良”的最低分", description="不写时为80；应低于“优”")
    fair: DecimalValue = Field(Decimal(60), alias="中", title="“中”的最低分", description="不写时为60；低于此分为“差”")

    @field_validator("fair")
    @classmethod
    def _descending(cls, fair: Decimal, info) -> Decimal:
        good, excellent = info.data.get("good"), info.data.get("excellent")
        if good is not None and excellent is not None and not (fair < good < excellent <= 100):
            raise PydanticCustomError(
                "grade_bands_order", "分档应满足 中 < 良 < 优 ≤ 100，实际为 优{e}、良{g}、中{f}",
                {"e": str(excellent), "g": str(good), "f": str(fair)},
            )
        return fair

    def lower_bounds(self) -> list[tuple[Grade, Decimal]]:
        return [
            (Grade.EXCELLENT, self.excellent),
            (Grade.GOOD, self.good),
            (Grade.FAIR, self.fair),
            (Grade.POOR, Decimal(0)),
        ]


class Publisher(BaseModel):
    """发布机关: the area or issuer shown in every sheet's heading, shared by a batch."""

    model_config = ConfigDict(extra="forbid", title="发布机关")

    area: str = Field(title="地区或发布机关", description="每页页首显示，例如“济源示范区”")
    sheet_title: str = Field("重大政策和重点项目预算绩效评价结果", title="结果表标题",
                             description="每张结果表地区下方的标题；不写时为“重大政策和重点项目预算绩效评价结果”")


#: What a table prints for a figure the original did not publish (原件未公开).
UNPUBLISHED = "未公开"
#: The figures that may be marked so.
UNPUBLISHABLE = ("score", "grade", "expenditure", "budget", "executed", "execution_rate")


class EvaluatedProject(BaseModel):
    """评价对象: one evaluated project, policy or department (部门整体)."""

    model_config = ConfigDict(
        extra="forbid", coerce_numbers_to_str=True, title="评价对象", populate_by_name=True
    )

    id: str | None = Field(
        None, title="编号", description="输出文件名；不填时用YAML文件名", pattern=r"^[\w\-.]+$"
    )
    object_type: ObjectType = Field(ObjectType.PROJECT, title="评价对象类型", description="项目、政策或部门整体")
    department: str | None = Field(None, title="主管部门或单位名称",
                                   description="结果汇总表、明细表的“单位”一栏，例如“示范区财政金融局”")
    name: str = Field(title="项目名称", min_length=1,
                      description="必填，印在结果表首行，例如“2022年度住建局部门整体评价”")
    implementing_units: TextList = Field(default_factory=list, title="项目实施单位", description="一个或多个单位")
    evaluation_year: IntValue | None = Field(None, title="评价时间（年）", ge=1949, le=2200,
                                             description="四位年份，例如 `2023`；结果表印“评价时间：2023年”")
    overview: TextList = Field(default_factory=list, title="项目概况", description="段落列表")
    implementation: TextList = Field(default_factory=list, title="项目实施情况", description="段落列表")
    expenditure: Amount | None = Field(None, title="项目支出", description="例如“6354.80万元”")
    budget: Amount | None = Field(None, title="预算数", description="须带单位，例如“200万元”；与执行数一起用于计算预算执行率")
    executed: Amount | None = Field(None, title="执行数", description="须带单位，例如“180.58万元”")
    execution_rate: Percentage | None = Field(
        None, title="预算执行率",
        description="例如“90.29%”或90.29（按百分数理解）；按所写的小数位数与执行数÷预算数核对",
    )
    score: Score | None = Field(None, title="评价得分", description="0到100")
    grade: GradeValue | None = Field(None, title="评价等级", description="优、良、中、差；不填时按得分确定")
    result_note: str | None = Field(
        None, title="评价结果说明", description="无得分和等级时印出的文字，例如“未实施”"
    )
    problems: TextList = Field(default_factory=list, title="主要问题",
                               description="每条一项，以“- ”开头；编号自动生成，不要手写“1.”。例如：\n\n"
                                           "```yaml\nproblems:\n  - 绩效目标设置不够明确。\n  - 资金支付进度滞后。\n```")
    rectification: TextList = Field(default_factory=list, title="整改要求",
                                    description="每条一项，以“- ”开头；编号自动生成。也可改写为“建议”（suggestions）")
    suggestions: TextList = Field(default_factory=list, title="建议",
                                  description="每条一项，以“- ”开头；没有“整改要求”时印在结果表该栏和明细表")
    agency: str | None = Field(None, title="评价机构", description="第三方评价机构名称，例如“某会计师事务所”")
    remarks: str | None = Field(None, title="备注", description="汇总表、明细表的“备注”一栏")
    unpublished: list[str] = Field(
        default_factory=list, title="未公开的数字",
        description="原件未公开的字段（score、grade、expenditure、budget、executed、execution_rate），印“未公开”，"
                    "不计入合计；也可直接写“score: 未公开”")
    fields: dict[str, Any] = Field(
        default_factory=dict, title="自定义字段",
        description="数据中“custom_fields”声明的字段及其值，例如“资金来源: 一般公共预算”")

    @model_validator(mode="before")
    @classmethod
    def _unpublished_values(cls, data: Any) -> Any:
        """``score: 未公开`` is the same as listing ``score`` under ``unpublished``."""
        if not isinstance(data, dict):
            return data
        marked = [k for k in UNPUBLISHABLE if isinstance(data.get(k), str) and data[k].strip() == UNPUBLISHED]
        if not marked:
            return data
        listed = data.get("unpublished") or []
        listed = [listed] if isinstance(listed, str) else list(listed)
        return {**{k: v for k, v in data.items() if k not in marked},
                "unpublished": listed + [k for k in marked if k not in listed]}

    @field_validator("unpublished")
    @classmethod
    def _publishable(cls, names: list[str]) -> list[str]:
        unknown = [n for n in names if n not in UNPUBLISHABLE]
        if unknown:
            raise PydanticCustomError("unpublished_field", "“{names}”不能标为未公开；可用：{offered}",
                                      {"names": "、".join(unknown), "offered": "、".join(UNPUBLISHABLE)})
        return names

    @field_validator("id")
    @classmethod
    def _output_name(cls, value: str | None) -> str | None:
        problem = output_name_problem(value) if value is not None else None
        if problem:
            raise PydanticCustomError("output_name", problem)
        return value


#: Fields a result sheet cannot do without (the others are optional for every family).
RESULT_SHEET_FIELDS = ("implementing_units", "evaluation_year", "overview")
