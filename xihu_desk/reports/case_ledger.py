"""The people's-mediation case ledger (人民调解案件台账) as Excel: the columns offices keep, the words
people write in them, and the export workbook. Plain data in, bytes out.

The same columns serve both ways: the export's headers are names the import accepts, so an
exported ledger imports again (and is then recognised as already there). Reading an office's own
ledger leans on reports/ledger.py (headers found wherever they are, dates and amounts as typed);
this module only knows what a case ledger's columns are called and how their words map to the
code lists (dispute types, sources, outcomes, agreement forms, performance).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from xihu_desk.reports import ledger
from xihu_desk.reports.ledger import Column

# Words offices use for the dispute types of domain.md §3.1, beyond the labels themselves. A cell is
# matched whole first (纠纷/类/案件 stripped), then by the longest of these words it contains.
DISPUTE_WORDS: dict[str, str] = {
    "婚姻": "01",
    "家庭": "01",
    "婚姻家庭": "01",
    "婚姻家庭纠纷": "01",
    "离婚": "01",
    "赡养": "01",
    "抚养": "01",
    "扶养": "01",
    "继承": "01",
    "分家析产": "01",
    "析产": "01",
    "家事": "01",
    "夫妻": "01",
    "彩礼": "01",
    "探视": "01",
    "邻里": "02",
    "相邻": "02",
    "相邻关系": "02",
    "邻居": "02",
    "噪音扰民": "02",
    "漏水": "02",
    "房屋": "03",
    "宅基地": "03",
    "房屋宅基地": "03",
    "建房": "03",
    "房产": "03",
    "界址": "03",
    "合同": "04",
    "买卖": "04",
    "租赁": "04",
    "借款": "04",
    "借贷": "04",
    "民间借贷": "04",
    "债务": "04",
    "欠款": "04",
    "装修": "04",
    "承揽": "04",
    "服务合同": "04",
    "生产经营": "05",
    "经营": "05",
    "合伙": "05",
    "生产": "05",
    "损害赔偿": "06",
    "损害": "06",
    "赔偿": "06",
    "人身损害": "06",
    "财产损害": "06",
    "侵权": "06",
    "人身伤害": "06",
    "山林": "07",
    "土地": "07",
    "山林土地": "07",
    "土地承包": "07",
    "林地": "07",
    "承包地": "07",
    "征地": "08",
    "拆迁": "08",
    "征地拆迁": "08",
    "征收": "08",
    "拆违": "08",
    "环境": "09",
    "污染": "09",
    "环境污染": "09",
    "油烟": "09",
    "劳动": "10",
    "劳动争议": "10",
    "劳资": "10",
    "工资": "10",
    "欠薪": "10",
    "讨薪": "10",
    "工伤": "10",
    "劳务": "10",
    "消费": "11",
    "消费者": "11",
    "消费者权益": "11",
    "预付卡": "11",
    "网购": "11",
    "退款": "11",
    "医疗": "12",
    "医患": "12",
    "医疗纠纷": "12",
    "交通": "13",
    "道路交通": "13",
    "交通事故": "13",
    "道路交通事故": "13",
    "车祸": "13",
    "交通肇事": "13",
    "物业": "14",
    "物业服务": "14",
    "物业管理": "14",
    "物业费": "14",
    "停车": "14",
    "旅游": "15",
    "知识产权": "16",
    "商标": "16",
    "著作权": "16",
    "专利": "16",
    "互联网": "17",
    "网络": "17",
    "电商": "17",
    "直播": "17",
    "其他": "99",
    "其它": "99",
}
# Words that name a kind within a type (kept as the case's subtype); the other words are only other
# names for the type itself.
SUBTYPES = frozenset(
    {
        "离婚",
        "赡养",
        "抚养",
        "扶养",
        "继承",
        "分家析产",
        "析产",
        "彩礼",
        "探视",
        "噪音扰民",
        "漏水",
        "建房",
        "界址",
        "买卖",
        "租赁",
        "借款",
        "借贷",
        "民间借贷",
        "债务",
        "欠款",
        "装修",
        "承揽",
        "服务合同",
        "合伙",
        "人身损害",
        "财产损害",
        "人身伤害",
        "土地承包",
        "林地",
        "承包地",
        "征收",
        "拆违",
        "油烟",
        "工资",
        "欠薪",
        "讨薪",
        "工伤",
        "劳务",
        "预付卡",
        "网购",
        "退款",
        "车祸",
        "交通肇事",
        "物业费",
        "停车",
        "商标",
        "著作权",
        "专利",
        "电商",
        "直播",
    }
)
SOURCE_WORDS = {
    "当事人申请": "apply",
    "申请": "apply",
    "申请调解": "apply",
    "依申请": "apply",
    "来访": "apply",
    "来人": "apply",
    "当事人来访": "apply",
    "群众来访": "apply",
    "主动": "initiative",
    "主动调解": "initiative",
    "调委会主动调解": "initiative",
    "依职权": "initiative",
    "排查": "initiative",
    "排查发现": "initiative",
    "走访发现": "initiative",
    "网格": "initiative",
    "网格员上报": "initiative",
    "委托移送": "referral",
    "接受委托移送": "referral",
    "委托": "referral",
    "移送": "referral",
    "移交": "referral",
    "转办": "referral",
    "交办": "referral",
    "指派": "referral",
    "法院委托": "referral",
    "诉前委派": "referral",
    "公安移送": "referral",
    "派出所移送": "referral",
    "信访转办": "referral",
    "110": "referral",
    "110联动": "referral",
}
REFERRER_WORDS = (
    ("法院", "court"),
    ("检察", "procuratorate"),
    ("公安", "police"),
    ("派出所", "police"),
    ("110", "police"),
    ("信访", "petition"),
    ("政府", "government"),
    ("街道", "government"),
    ("镇", "government"),
    ("部门", "government"),
    ("局", "government"),
)
OUTCOME_WORDS = {
    "成功": "succeeded",
    "调解成功": "succeeded",
    "调成": "succeeded",
    "达成协议": "succeeded",
    "已调解": "succeeded",
    "调处成功": "succeeded",
    "化解": "succeeded",
    "已化解": "succeeded",
    "调结": "succeeded",
    "已调结": "succeeded",
    "不成功": "failed",
    "调解不成": "failed",
    "调解不成功": "failed",
    "不成": "failed",
    "未成功": "failed",
    "未达成协议": "failed",
    "未达成": "failed",
    "失败": "failed",
    "调解失败": "failed",
    "终止": "terminated",
    "终止调解": "terminated",
    "撤回": "terminated",
    "撤回申请": "terminated",
    "撤诉": "terminated",
    "中止": "terminated",
    "调解中": "open",
    "在办": "open",
    "未结": "open",
    "正在调解": "open",
    "办理中": "open",
    "待调解": "open",
}
FORM_WORDS = {
    "书面": "written",
    "书面协议": "written",
    "协议书": "written",
    "书面调解协议": "written",
    "口头": "oral",
    "口头协议": "oral",
    "口头协议登记": "oral",
    "口头调解": "oral",
}
PERFORMED_WORDS = {
    "已履行": "full",
    "履行": "full",
    "履行完毕": "full",
    "全部履行": "full",
    "当场履行": "full",
    "已兑现": "full",
    "是": "full",
    "部分履行": "partial",
    "部分": "partial",
    "未履行": "none",
    "否": "none",
    "未": "none",
    "未履行完毕": "partial",
}
OUTCOME_LABELS = {"succeeded": "调解成功", "failed": "调解不成功", "terminated": "终止调解"}
FORM_LABELS = {"written": "书面协议", "oral": "口头协议"}
PERFORMED_LABELS = {"full": "已履行", "partial": "部分履行", "none": "未履行"}
STATUS_LABELS = {"accepted": "已受理", "mediating": "调解中", "closed": "已结案", "filed": "已归档"}
NAME_SPLIT = re.compile(r"\s*(?:、|,|，|;|；|/|／|\n|\s{2,}|\s+和\s+)\s*")
PARTIES_SPLIT = re.compile(r"\s*(?:与|诉|vs\.?|VS\.?|—|--)\s*")
ORG_ENDINGS = (
    "公司",
    "集团",
    "厂",
    "店",
    "中心",
    "委员会",
    "物业",
    "医院",
    "诊所",
    "学校",
    "幼儿园",
    "银行",
    "合作社",
    "事务所",
    "协会",
    "商行",
    "酒店",
    "宾馆",
    "超市",
    "工作室",
    "门诊部",
    "经营部",
    "分行",
    "支行",
    "馆",
    "社",
)


# The provincial platform's case code (浙里调 / 浙江解纷码): the headings offices and the platform use.
PLATFORM_CODE_HEADERS = (
    "平台编号",
    "平台案号",
    "浙里调编号",
    "浙里调案件编号",
    "浙里调案号",
    "解纷码编号",
    "解纷码案件编号",
    "解纷码案号",
    "浙江解纷码编号",
    "平台案件号",
    "省平台编号",
    "省平台案件编号",
)


# Headers of an ID number column that do not say whose it is (taken by position, see
# ledger.Column.generic), and the same prefixed with the party's role.
ID_HEADERS = (
    "身份证号码",
    "身份证号",
    "身份证",
    "身份证件号码",
    "证件号码",
    "证件号",
    "公民身份号码",
    "公民身份证号码",
    "公民身份证号",
    "身份号码",
)
ID_TYPE_HEADERS = ("证件类型", "证件种类", "身份证件类型")


def ID_HEADERS_OF(role: str) -> tuple[str, ...]:
    return tuple(role + h for h in ID_HEADERS)


ID_TYPE_WORDS = {
    "居民身份证": "resident",
    "身份证": "resident",
    "二代身份证": "resident",
    "第二代居民身份证": "resident",
    "中华人民共和国居民身份证": "resident",
    "身份证件": "resident",
    "临时身份证": "resident",
    "临时居民身份证": "resident",
    "护照": "passport",
    "外国护照": "passport",
    "中国护照": "passport",
    "港澳居民来往内地通行证": "other",
    "回乡证": "other",
    "台湾居民来往大陆通行证": "other",
    "台胞证": "other",
    "港澳台居民居住证": "other",
    "外国人永久居留身份证": "other",
    "外国人永久居留证": "other",
    "军官证": "other",
    "士兵证": "other",
    "户口簿": "other",
    "其他": "other",
    "其它": "other",
    "其他证件": "other",
}
ID_TYPE_HINT = "居民身份证、护照、其他证件"


def id_types(value: Any) -> tuple[str, ...] | None:
    """The ID type of each party a cell names (身份证、护照 for two applicants), in order."""
    if value is None or not ledger.normalise(value):
        return None
    words = {ledger.normalise(k): v for k, v in ID_TYPE_WORDS.items()}
    out = []
    for part in NAME_SPLIT.split(ledger.parse_text(value)):
        text = ledger.normalise(part)
        if not text:
            continue
        found = (
            words.get(text)
            or max(((len(w), c) for w, c in words.items() if len(w) >= 2 and w in text), default=(0, None))[1]
        )
        if found is None:
            raise ValueError(f"无法识别的证件类型（可填：{ID_TYPE_HINT}）")
        out.append(found)
    return tuple(out) or None


def _clean(value: Any) -> str:
    return re.sub(r"(纠纷|矛盾|类|案件|问题)$", "", ledger.normalise(value))


def dispute_parser(labels: Mapping[str, str]):
    """Cell -> (code, subtype): the reference list's label or code, or the words people use. The
    subtype keeps the person's own word when it says more than the type (赡养 under 婚姻家庭)."""
    table = {ledger.normalise(label): code for code, label in labels.items()}
    table.update({code: code for code in labels})
    words = {ledger.normalise(w): c for w, c in DISPUTE_WORDS.items() if c in labels}
    hint = "、".join(labels.values())

    def parse(value: Any) -> tuple[str, str] | None:
        if value is None:
            return None
        text = ledger.normalise(value)
        if not text:
            return None
        own = re.sub(r"(纠纷|矛盾|类)$", "", str(value).strip())[:30]
        for key in (text, _clean(value)):
            if key in table:
                return table[key], ""
            if key in words:
                return words[key], (own if key in SUBTYPES else "")
        found = max(((len(w), c) for w, c in {**words, **table}.items() if len(w) >= 2 and w in text), default=None)
        if found:
            return found[1], ("" if _clean(value) in words or _clean(value) in table else own)
        raise ValueError(f"无法对应到纠纷类型（可填：{hint}）")

    return parse


def _words(table: Mapping[str, str], hint: str):
    normalised = {ledger.normalise(k): v for k, v in table.items()}

    def parse(value: Any) -> str | None:
        if value is None or not ledger.normalise(value):
            return None
        text = ledger.normalise(value)
        for key in (text, re.sub(r"\(.*?\)", "", text)):
            if key in normalised:
                return normalised[key]
        found = max(((len(w), c) for w, c in normalised.items() if len(w) >= 2 and w in text), default=None)
        if found:
            return found[1]
        raise ValueError(f"不是可识别的取值（可填：{hint}）")

    return parse


def referrer_type(text: str) -> str:
    for word, code in REFERRER_WORDS:
        if word in text:
            return code
    return "other"


def split_names(value: Any) -> list[str]:
    text = ledger.parse_text(value)
    return [n for n in (s.strip() for s in NAME_SPLIT.split(text)) if n]


def looks_like_org(name: str) -> bool:
    return len(name) > 4 and name.endswith(ORG_ENDINGS)


def columns(dispute_labels: Mapping[str, str]) -> list[Column]:
    """The case ledger's columns; import-only and export-only ones are marked."""
    return [
        Column("index", "序号", (), "int", width=6, import_=False),
        Column(
            "number",
            "案件编号",
            ("案号", "编号", "调解编号", "案件号", "卷宗号", "卷号", "登记编号", "受理编号", "调解案号", "台账编号"),
            width=26,
        ),
        Column("platform_code", "平台案件编号", PLATFORM_CODE_HEADERS, width=22),
        Column(
            "committee",
            "调委会",
            (
                "调解委员会",
                "人民调解委员会",
                "调解组织",
                "承办调委会",
                "受理调委会",
                "所属调委会",
                "受理单位",
                "承办单位",
                "调解单位",
            ),
            width=24,
        ),
        Column(
            "accepted_on",
            "受理日期",
            ("登记时间", "收案日期", "受理时间", "登记日期", "收案时间", "立案日期", "申请日期", "来访日期", "日期"),
            "date",
            required=True,
            width=12,
        ),
        Column(
            "source",
            "案件来源",
            ("来源", "受理方式", "纠纷来源", "案源", "受理途径"),
            "choice",
            width=12,
            parse=_words(SOURCE_WORDS, "当事人申请、主动调解、委托移送"),
        ),
        Column("referrer", "移送单位", ("委托单位", "委托移送单位", "移交单位", "委派单位"), width=16),
        Column(
            "dispute_type",
            "纠纷类型",
            ("纠纷类别", "案件类型", "案件类别", "纠纷种类", "类型", "类别", "案由", "纠纷性质"),
            "choice",
            required=True,
            width=16,
            parse=dispute_parser(dispute_labels),
            hint="、".join(dispute_labels.values()),
        ),
        Column(
            "applicant",
            "申请人",
            ("申请人姓名", "申请人（名称）", "申请方", "当事人甲", "甲方", "来访人", "申请人名称"),
            width=16,
        ),
        Column(
            "applicant_id_type",
            "申请人证件类型",
            ("申请人证件种类",),
            "choice",
            width=12,
            parse=id_types,
            generic=ID_TYPE_HEADERS,
            beside="applicant",
            hint=ID_TYPE_HINT,
        ),
        Column(
            "applicant_id", "申请人身份证号", ID_HEADERS_OF("申请人"), width=22, generic=ID_HEADERS, beside="applicant"
        ),
        Column(
            "applicant_phone",
            "申请人电话",
            ("联系电话", "电话", "手机", "手机号", "申请人联系电话", "联系方式"),
            width=14,
            beside="applicant",
        ),
        Column(
            "applicant_address",
            "申请人住址",
            ("住址", "地址", "家庭住址", "申请人地址", "住所", "居住地址"),
            width=24,
            beside="applicant",
        ),
        Column(
            "respondent",
            "被申请人",
            ("被申请人姓名", "被申请方", "对方当事人", "当事人乙", "乙方", "被申请人（名称）", "被申请人名称"),
            width=16,
        ),
        Column(
            "respondent_id_type",
            "被申请人证件类型",
            ("被申请人证件种类",),
            "choice",
            width=12,
            parse=id_types,
            generic=ID_TYPE_HEADERS,
            beside="respondent",
            hint=ID_TYPE_HINT,
        ),
        Column(
            "respondent_id",
            "被申请人身份证号",
            ID_HEADERS_OF("被申请人"),
            width=22,
            generic=ID_HEADERS,
            beside="respondent",
        ),
        Column("respondent_phone", "被申请人电话", ("被申请人联系电话",), width=14, beside="respondent"),
        Column("respondent_address", "被申请人住址", ("被申请人地址",), width=24, beside="respondent"),
        Column("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "组织机构代码"), width=20),
        Column("parties", "当事人", ("当事人姓名", "双方当事人", "纠纷当事人"), width=20),
        Column(
            "summary",
            "纠纷简要情况",
            (
                "简要案情",
                "纠纷事由",
                "主要事实",
                "案情摘要",
                "纠纷情况",
                "事由",
                "基本情况",
                "案情简介",
                "纠纷简况",
                "简要情况",
                "主要内容",
                "纠纷内容",
                "案情",
            ),
            width=36,
        ),
        Column(
            "mediators",
            "调解员",
            ("调解人员", "调解人", "承办人", "主持人", "承办调解员", "经办人", "主办调解员"),
            width=12,
        ),
        Column("status", "状态", (), width=8, import_=False),
        Column(
            "outcome",
            "调解结果",
            ("结果", "调解情况", "处理结果", "调处结果", "是否成功", "调解结论", "化解情况"),
            "choice",
            width=12,
            parse=_words(OUTCOME_WORDS, "调解成功、调解不成功、终止调解、调解中"),
        ),
        Column(
            "agreement_form",
            "协议形式",
            ("协议类型", "协议方式", "调解协议形式", "书面或口头"),
            "choice",
            width=10,
            parse=_words(FORM_WORDS, "书面协议、口头协议"),
        ),
        Column(
            "agreement_amount",
            "协议金额（元）",
            ("协议金额", "协议标的", "调解金额", "协议涉及金额", "履行金额", "兑现金额"),
            "amount",
            width=14,
            number_format="#,##0.00",
        ),
        Column(
            "amount",
            "涉及金额（元）",
            ("涉及金额", "涉案金额", "标的额", "标的金额", "争议金额", "金额"),
            "amount",
            width=14,
            number_format="#,##0.00",
        ),
        Column(
            "performed",
            "履行情况",
            ("是否履行", "履行", "协议履行情况"),
            "choice",
            width=10,
            parse=_words(PERFORMED_WORDS, "已履行、部分履行、未履行"),
        ),
        Column("confirmed", "司法确认", ("是否司法确认", "司法确认情况"), "bool", width=8),
        Column(
            "closed_on",
            "结案日期",
            ("结案时间", "办结日期", "调结日期", "办结时间", "调结时间", "协议日期", "调解日期", "结案"),
            "date",
            width=12,
        ),
        Column("filed_on", "归档日期", (), width=12, import_=False),
        Column("imported_from", "导入来源", (), width=24, import_=False),
        Column("extra", "原台账其他信息", (), width=30, import_=False),
    ]


def export_workbook(
    rows: list[dict[str, Any]],
    *,
    org_name: str,
    org_code: str,
    scope: str,
    generated_at: datetime,
    generated_by: str,
    dispute_labels: Mapping[str, str],
    masked: bool,
) -> bytes:
    """台账 of the cases in ``rows`` (one dict per case, keys as in ``columns``)."""
    cols = columns(dispute_labels)
    for i, row in enumerate(rows, start=1):
        row["index"] = i
    years = sorted({r["accepted_on"].year for r in rows})
    span = f"{years[0]}—{years[-1]} 年" if len(years) > 1 else (f"{years[0]} 年" if years else "（无案件）")
    id_note = (
        "证件号码已遮蔽（各栏中形如身份证号的数字只显示前 4 位和后 4 位）"
        if masked
        else "含完整证件号码（导出已记入审计日志），请妥善保管"
    )
    return ledger.write_ledger(
        cols,
        rows,
        title=f"{org_name}人民调解案件台账",
        sheet="案件台账",
        reveal=not masked,
        lines=[
            ledger.safe_text(f"单位：{org_name}（{org_code}）　范围：{scope}，受理年度 {span}，共 {len(rows)} 件"),
            ledger.safe_text(f"导出时间：{generated_at:%Y-%m-%d %H:%M}　导出人：{generated_by}　{id_note}。"),
        ],
    )
