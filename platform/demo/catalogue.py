"""Static data behind the demo region: occupations, specialties, industries, schools and places."""

from __future__ import annotations

from dataclasses import dataclass

from skillbridge.models import EducationLevel, SchoolType


@dataclass(frozen=True)
class OccupationEntry:
    """An occupation of the 国家职业分类大典 with its typical monthly wage in the district."""

    code: str
    name: str
    name_en: str
    wage_yuan: int
    requires_certificate: bool = False  # 就业准入 (R7): 特种作业操作证 and the like
    shortage: bool = False  # on the district's 紧缺职业（工种）目录 this year


@dataclass(frozen=True)
class SpecialtyEntry:
    """A specialty of the 职业教育专业目录 and the occupations it feeds."""

    code: str
    name: str
    occupations: tuple[str, ...]


@dataclass(frozen=True)
class IndustryEntry:
    """A 国民经济行业分类 industry: the occupations it hires and how its names end."""

    name: str
    weight: int
    key_industry_share: float
    occupations: tuple[str, ...]
    name_endings: tuple[str, ...]
    uscc_prefix: str = "91"  # 91 工商登记的企业; 52 民政登记的民办非企业单位


@dataclass(frozen=True)
class SchoolProfile:
    """How one kind of school is named, what it teaches and how its cohorts are laid out."""

    school_type: SchoolType
    name_pattern: str
    code_prefix: str
    specialties: tuple[str, ...]
    # (level, years of study) of its programmes, and the age at which students enter.
    programmes: tuple[tuple[EducationLevel, int], ...]
    intake_age: int


OCCUPATIONS: tuple[OccupationEntry, ...] = (
    OccupationEntry("6-18-01-01", "车工", "Lathe operator", 6200, shortage=True),
    OccupationEntry("6-18-01-02", "铣工", "Milling machine operator", 6000),
    OccupationEntry("6-18-01-04", "磨工", "Grinder", 5800),
    OccupationEntry(
        "6-18-01-07",
        "多工序数控机床操作调整工",
        "Multi-process CNC machine operator and setter",
        7000,
        shortage=True,
    ),
    OccupationEntry("6-18-02-04", "焊工", "Welder", 6800, requires_certificate=True, shortage=True),
    OccupationEntry("6-20-01-01", "装配钳工", "Assembly fitter", 5900),
    OccupationEntry("6-20-01-03", "模具工", "Die and mould maker", 6400, shortage=True),
    OccupationEntry("6-31-01-02", "机修钳工", "Maintenance fitter", 6100),
    OccupationEntry(
        "6-31-01-03", "电工", "Electrician", 6500, requires_certificate=True, shortage=True
    ),
    OccupationEntry(
        "6-29-03-03",
        "电梯安装维修工",
        "Lift installer and repairer",
        6300,
        requires_certificate=True,
    ),
    OccupationEntry(
        "6-30-99-00",
        "工业机器人系统操作员",
        "Industrial robot system operator",
        6600,
        shortage=True,
    ),
    OccupationEntry(
        "6-31-01-10",
        "工业机器人系统运维员",
        "Industrial robot system maintainer",
        7200,
        shortage=True,
    ),
    OccupationEntry("6-22-02-01", "汽车装调工", "Automobile assembler and adjuster", 6000),
    OccupationEntry("4-12-01-01", "汽车维修工", "Automobile mechanic", 5600, shortage=True),
    OccupationEntry("6-25-04-01", "电子设备装接工", "Electronic equipment assembler", 5200),
    OccupationEntry(
        "6-25-04-09", "物联网安装调试员", "Internet of Things installer and commissioner", 6300
    ),
    OccupationEntry("6-25-03-01", "光纤光缆制造工", "Optical fibre and cable maker", 5700),
    OccupationEntry("6-04-02-01", "纺纱工", "Spinner", 5000),
    OccupationEntry("6-04-05-01", "织布工", "Weaver", 5100),
    OccupationEntry("6-04-07-01", "印染工", "Dyer and printer", 5300),
    OccupationEntry("4-14-01-02", "医疗护理员", "Medical care assistant", 5000),
    OccupationEntry("4-14-01-03", "健康照护师", "Health caregiver", 5400),
    OccupationEntry("4-10-01-05", "养老护理员", "Elderly care worker", 5200, shortage=True),
    OccupationEntry("4-01-02-02", "电子商务师", "E-commerce specialist", 5800),
    OccupationEntry("4-01-02-07", "互联网营销师", "Internet marketer", 6000),
    OccupationEntry("4-02-06-01", "物流服务师", "Logistics service specialist", 5300),
    OccupationEntry("4-02-06-03", "仓储管理员", "Warehouse keeper", 4900),
    OccupationEntry("4-03-02-01", "中式烹调师", "Chinese cook", 5500),
    OccupationEntry("4-03-02-02", "中式面点师", "Chinese pastry cook", 5000),
)

SPECIALTIES: tuple[SpecialtyEntry, ...] = (
    SpecialtyEntry("460103", "数控技术", ("6-18-01-01", "6-18-01-02", "6-18-01-07")),
    SpecialtyEntry("460113", "模具设计与制造", ("6-20-01-03", "6-18-01-04")),
    SpecialtyEntry("460110", "智能焊接技术", ("6-18-02-04",)),
    SpecialtyEntry("460301", "机电一体化技术", ("6-31-01-02", "6-20-01-01", "6-31-01-03")),
    SpecialtyEntry("460303", "工业机器人技术", ("6-30-99-00", "6-31-01-10")),
    SpecialtyEntry("460306", "电气自动化技术", ("6-31-01-03", "6-29-03-03", "6-31-01-10")),
    SpecialtyEntry("460702", "新能源汽车技术", ("6-22-02-01", "4-12-01-01")),
    SpecialtyEntry("500211", "汽车检测与维修技术", ("4-12-01-01", "6-22-02-01")),
    SpecialtyEntry("480401", "现代纺织技术", ("6-04-02-01", "6-04-05-01", "6-04-07-01")),
    SpecialtyEntry("510101", "电子信息工程技术", ("6-25-04-01", "6-25-04-09", "6-25-03-01")),
    SpecialtyEntry("520201", "护理", ("4-14-01-02", "4-14-01-03")),
    SpecialtyEntry("590302", "智慧健康养老服务与管理", ("4-10-01-05", "4-14-01-03")),
    SpecialtyEntry("530701", "电子商务", ("4-01-02-02", "4-01-02-07")),
    SpecialtyEntry("530802", "现代物流管理", ("4-02-06-01", "4-02-06-03")),
    SpecialtyEntry("540202", "烹饪工艺与营养", ("4-03-02-01", "4-03-02-02")),
)

INDUSTRIES: tuple[IndustryEntry, ...] = (
    IndustryEntry(
        "通用设备制造业",
        14,
        0.5,
        ("6-18-01-01", "6-18-01-02", "6-18-01-04", "6-18-01-07", "6-20-01-01", "6-18-02-04"),
        ("精密机械有限公司", "机械制造有限公司", "机电设备有限公司"),
    ),
    IndustryEntry(
        "专用设备制造业",
        10,
        0.7,
        ("6-18-01-07", "6-20-01-01", "6-30-99-00", "6-31-01-10", "6-31-01-03", "6-20-01-03"),
        ("智能装备有限公司", "自动化设备有限公司", "模具有限公司"),
    ),
    IndustryEntry(
        "汽车制造业",
        8,
        0.6,
        ("6-22-02-01", "6-18-02-04", "6-30-99-00", "6-18-01-01"),
        ("汽车零部件有限公司", "汽车部件有限公司"),
    ),
    IndustryEntry(
        "电气机械和器材制造业",
        10,
        0.7,
        ("6-31-01-03", "6-25-04-01", "6-20-01-01", "6-25-03-01", "6-31-01-02"),
        ("电气有限公司", "电缆有限公司", "光电科技有限公司"),
    ),
    IndustryEntry(
        "计算机、通信和其他电子设备制造业",
        12,
        0.8,
        ("6-25-04-01", "6-25-04-09", "6-25-03-01", "6-30-99-00"),
        ("电子科技有限公司", "通信科技有限公司", "光电有限公司"),
    ),
    IndustryEntry(
        "纺织业",
        10,
        0.4,
        ("6-04-02-01", "6-04-05-01", "6-04-07-01", "6-31-01-02"),
        ("纺织有限公司", "丝绸有限公司", "织造有限公司", "印染有限公司"),
    ),
    IndustryEntry(
        "机动车、电子产品和日用产品修理业",
        7,
        0.0,
        ("4-12-01-01",),
        ("汽车销售服务有限公司", "汽车维修服务有限公司"),
    ),
    IndustryEntry(
        "卫生和社会工作",
        7,
        0.0,
        ("4-14-01-02", "4-14-01-03", "4-10-01-05"),
        ("康复医院", "护理院", "颐养院"),
        uscc_prefix="52",
    ),
    IndustryEntry(
        "批发和零售业",
        6,
        0.1,
        ("4-01-02-02", "4-01-02-07", "4-02-06-03"),
        ("电子商务有限公司", "贸易有限公司"),
    ),
    IndustryEntry(
        "交通运输、仓储和邮政业",
        5,
        0.1,
        ("4-02-06-01", "4-02-06-03"),
        ("物流有限公司", "供应链管理有限公司"),
    ),
    IndustryEntry(
        "住宿和餐饮业",
        5,
        0.0,
        ("4-03-02-01", "4-03-02-02"),
        ("餐饮管理有限公司", "大酒店有限公司"),
    ),
    IndustryEntry(
        "房地产业",
        3,
        0.0,
        ("6-29-03-03", "6-31-01-03"),
        ("物业服务有限公司", "电梯工程有限公司"),
    ),
)

SCHOOL_PROFILES: tuple[SchoolProfile, ...] = (
    SchoolProfile(
        SchoolType.SECONDARY_VOCATIONAL,
        "苏州市吴江区{town}中等专业学校",
        "3132",
        ("460103", "460306", "500211", "520201", "530701", "480401", "540202", "530802"),
        ((EducationLevel.SECONDARY, 3),),
        15,
    ),
    SchoolProfile(
        SchoolType.TECHNICAL,
        "苏州市吴江{town}技工学校",
        "3132",
        ("460103", "460110", "460306", "500211", "460301", "460113"),
        ((EducationLevel.SECONDARY, 3), (EducationLevel.SENIOR, 5)),
        15,
    ),
    SchoolProfile(
        SchoolType.HIGHER_VOCATIONAL,
        "苏州{town}职业技术学院",
        "4132",
        ("460306", "460303", "510101", "530701", "530802", "520201", "590302", "460702"),
        ((EducationLevel.HIGHER, 3),),
        18,
    ),
    SchoolProfile(
        SchoolType.TECHNICIAN_COLLEGE,
        "苏州{town}技师学院",
        "3132",
        ("460103", "460110", "460303", "460301", "500211", "460306", "460113"),
        ((EducationLevel.SENIOR, 5), (EducationLevel.PRE_TECHNICIAN, 6)),
        15,
    ),
)

# Towns of 吴江区, used in school names and enterprise addresses.
TOWNS: tuple[str, ...] = (
    "松陵", "同里", "平望", "盛泽", "震泽", "七都", "黎里", "汾湖", "桃源", "横扇",
)  # fmt: skip

# Characters of Chinese trade names (字号), paired to name enterprises of any industry.
TRADE_NAME_CHARACTERS: str = (
    "恒力华鑫盛达通永亨隆瑞泰宏丰嘉信德祥源创新锦荣精远博凯明天海东方利和兴顺安宇晟昌旭佳"
)

# Birthplaces as the first six digits of a resident ID, with the hukou the student keeps.
# 320584 is 吴江市: students born before the 2012 reorganisation keep it in their IDs.
LOCAL_BIRTHPLACE = ("320584", "江苏省苏州市吴江区")
OTHER_BIRTHPLACES: tuple[tuple[str, str], ...] = (
    ("320506", "江苏省苏州市吴中区"),
    ("320583", "江苏省苏州市昆山市"),
    ("321302", "江苏省宿迁市宿城区"),
    ("320902", "江苏省盐城市亭湖区"),
    ("320723", "江苏省连云港市灌云县"),
    ("340104", "安徽省合肥市蜀山区"),
    ("341202", "安徽省阜阳市颍州区"),
    ("341221", "安徽省阜阳市临泉县"),
    ("341621", "安徽省亳州市涡阳县"),
    ("411302", "河南省南阳市宛城区"),
    ("411522", "河南省信阳市光山县"),
    ("411602", "河南省周口市川汇区"),
    ("511321", "四川省南充市南部县"),
    ("510722", "四川省绵阳市三台县"),
    ("522422", "贵州省毕节市大方县"),
    ("520302", "贵州省遵义市红花岗区"),
    ("420102", "湖北省武汉市江岸区"),
    ("360702", "江西省赣州市章贡区"),
    ("500101", "重庆市万州区"),
)
