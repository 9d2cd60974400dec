"""Publication variants as data: the columns of a summary table and the extra per-project
fields a county publishes (表格列定义, 自定义字段).

A table's columns are declared in its data block (``results_summary.columns``); each shows a
built-in field of the project or a declared custom field. The families' current layouts are
the same declaration (``docgen.contexts.table``, ``*_COLUMNS``).
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from docgen.models.project import TextList
from docgen.models.values import DecimalValue, IntValue, Unit


class Align(str, Enum):
    """对齐方式."""

    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


class FieldType(str, Enum):
    """自定义字段的类型."""

    TEXT = "文本"
    AMOUNT = "金额"
    PERCENT = "百分比"
    DATE = "日期"
    CHOICE = "选项"


class CustomField(BaseModel):
    """自定义字段: a per-project figure or text a publication adds (资金来源, 评价类型, 批次…).
    Projects write it under ``fields:`` by its ``key``; it is validated by its ``type``."""

    model_config = ConfigDict(extra="forbid", title="自定义字段")

    key: str = Field(title="字段名", description="项目中“fields:”下使用的名称，例如“资金来源”",
                     pattern=r"^[\w\u4e00-\u9fff]+$", max_length=40)
    label: str = Field(title="中文名称", description="表头和提示中使用", min_length=1)
    type: FieldType = Field(FieldType.TEXT, title="类型", description="文本、金额、百分比、日期或选项")
    choices: list[str] = Field(default_factory=list, title="可选值", description="类型为“选项”时必填")
    required: bool = Field(False, title="必填", description="每个评价对象都必须填写")

    @field_validator("choices")
    @classmethod
    def _choices_for_choice(cls, choices: list[str], info) -> list[str]:
        kind = info.data.get("type")
        if kind is FieldType.CHOICE and not choices:
            raise PydanticCustomError("choices_missing", "类型为“选项”的字段须列出可选值（choices）")
        if kind is not FieldType.CHOICE and choices:
            raise PydanticCustomError("choices_unused", "只有类型为“选项”的字段才有可选值")
        return choices


class TableColumn(BaseModel):
    """表格的一列: which field it shows and how.

    ``header`` is the header text, or a list of levels for a multi-level header
    (``[资金情况（万元）, 预算数]``): neighbouring columns with the same upper levels share them."""

    model_config = ConfigDict(extra="forbid", title="表格列")

    field: str = Field(title="字段", description="内置字段（如 name、department、expenditure、score、grade、"
                       "agency）、序号（number）或自定义字段名", min_length=1)
    header: TextList = Field(title="表头", description="文字；多级表头写成列表，自上而下")
    unit: Unit | None = Field(None, title="金额单位", description="金额列：元、万元或亿元，由输入单位换算（四舍五入）")
    decimals: IntValue | None = Field(None, title="小数位数", ge=0, le=4,
                                      description="金额默认2位；得分默认按输入")
    width: DecimalValue | None = Field(None, title="列宽（毫米）", gt=0, le=400,
                                       description="不写时按内容分配")
    align: Align | None = Field(None, title="对齐", description="left、center或right；数字默认右对齐")
    merge: bool = Field(False, title="合并相同单元格", description="上下相邻且相同的单元格合并")
    sum: bool = Field(False, title="计入合计行", description="金额列在“合计”行求和")

    @field_validator("header")
    @classmethod
    def _header_levels(cls, header: list[str]) -> list[str]:
        if not header or any(not h.strip() for h in header):
            raise PydanticCustomError("header_empty", "表头不能为空")
        return header
