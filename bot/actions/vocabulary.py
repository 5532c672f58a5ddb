"""The mediation service's codes, and the words people use for them.

The work order needs a category of goods or service (CaseCategory in mediation/models/cases.py) and,
for a report, a type of violation (ViolationType). People say "买的手机" or "他们卖假货", not G11 or
counterfeit: these tables read the codes off their words, so that the bot asks only when nothing in
what they said names one. Each table is searched in order and the first hit wins, so the more
specific words come first (修手机 before 手机, 酒店 before 酒), and goods before the internet
services they were sold through (a cream bought in a live stream is a cosmetic)."""

# (code, the name shown to the person, words that name it)
CATEGORIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "S02",
        "教育培训",
        ("培训", "课程", "网课", "辅导班", "补习", "学费", "驾校", "早教", "留学中介", "英语班", "course", "tuition"),
    ),
    ("S03", "文化娱乐体育", ("健身", "游泳", "瑜伽", "演出", "门票", "电影", "游乐", "剧本杀", "KTV", "gym")),
    ("S10", "医疗服务", ("医美", "整形", "医院", "诊所", "牙科", "种植牙", "体检", "口腔")),
    ("S07", "家装和物业服务", ("装修", "家装", "物业", "装潢", "renovation")),
    ("S08", "旅游服务", ("旅游", "旅行社", "跟团", "酒店", "民宿", "机票", "景区", "hotel", "travel", "flight")),
    ("S09", "交通和快递", ("快递", "物流", "打车", "网约车", "搬家", "托运", "delivery", "courier")),
    ("S05", "电信服务", ("话费", "宽带", "流量", "运营商", "手机卡", "套餐费", "移动公司", "联通", "电信")),
    ("S06", "金融和保险", ("保险", "贷款", "信用卡", "理财", "insurance")),
    (
        "S01",
        "生活服务（餐饮、美容、洗衣）",
        (
            "外卖",
            "餐厅",
            "饭店",
            "餐馆",
            "火锅",
            "理发",
            "美发",
            "美容",
            "美甲",
            "洗衣店",  # not 洗衣 alone: a 洗衣机 is an appliance
            "洗衣服务",
            "干洗",
            "家政",
            "保洁",
            "月嫂",
            "洗车",
            "restaurant",
            "haircut",
        ),
    ),
    ("S11", "维修服务", ("上门维修", "维修服务", "修手机", "修电脑", "修车", "保养")),
    ("G11", "手机和通讯器材", ("手机", "iphone", "华为", "小米", "平板", "ipad", "耳机", "智能手表", "phone")),
    (
        "G02",
        "家用电器和电子产品",
        (
            "冰箱",
            "洗衣机",
            "空调",
            "电视",
            "热水器",
            "电脑",
            "笔记本",
            "吸尘器",
            "扫地机",
            "微波炉",
            "电饭煲",
            "烤箱",
            "油烟机",
            "相机",
            "laptop",
            "tv",
        ),
    ),
    ("G05", "汽车和交通工具", ("汽车", "新车", "二手车", "电动车", "电瓶车", "自行车", "摩托", "4s店", "车")),
    ("G06", "药品和医疗器械", ("药", "保健品", "医疗器械", "口罩", "血压计", "medicine")),
    ("G07", "化妆品", ("化妆品", "面霜", "口红", "护肤", "面膜", "精华", "粉底", "香水", "cosmetic", "lipstick")),
    ("G08", "烟酒和饮料", ("白酒", "红酒", "茅台", "五粮液", "啤酒", "香烟", "饮料", "酒", "wine")),
    ("G09", "首饰", ("黄金", "金项链", "金手镯", "钻戒", "首饰", "项链", "手镯", "玉", "翡翠", "珍珠", "jewel")),
    (
        "G10",
        "房屋和建材家具",
        ("瓷砖", "地板", "家具", "沙发", "床垫", "衣柜", "门窗", "橱柜", "建材", "房子", "furniture"),
    ),
    (
        "G03",
        "服装鞋帽",
        ("衣服", "羽绒服", "外套", "裤子", "裙子", "鞋", "帽子", "t恤", "大衣", "shoes", "dress", "jacket"),
    ),
    (
        "G01",
        "食品",
        ("食品", "零食", "奶粉", "月饼", "牛奶", "水果", "蛋糕", "肉", "大米", "食用油", "茶叶", "food", "snack"),
    ),
    ("G04", "日用品", ("日用品", "纸巾", "洗发水", "牙膏", "洗衣液", "玩具", "文具", "箱包", "行李箱")),
    (
        "S04",
        "互联网服务和直播",
        ("直播间", "直播", "会员自动续费", "自动续费", "app会员", "视频会员", "游戏充值", "网盘", "subscription"),
    ),
    ("G99", "其他商品", ("其他商品",)),
    ("S99", "其他服务", ("其他服务", "服务")),
)

# (code, the name shown to the person, words that name it)
VIOLATIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "food_safety",
        "食品安全（过期、变质、不卫生）",
        ("过期", "变质", "发霉", "异物", "苍蝇", "虫子", "蟑螂", "不卫生", "地沟油", "食物中毒", "拉肚子", "expired"),
    ),
    ("measurement_fraud", "缺斤短两、计量作弊", ("缺斤", "短斤", "少两", "鬼秤", "秤有问题", "计量", "分量不足")),
    (
        "price_fraud",
        "价格欺诈、乱收费",
        ("价格欺诈", "先涨后降", "虚构原价", "乱收费", "明码标价", "不标价", "宰客", "天价", "多收钱", "价格"),
    ),
    (
        "unlicensed",
        "无证无照经营",
        ("无证", "无照", "没有执照", "没执照", "没有营业执照", "没有许可证", "没有资质", "黑作坊", "unlicensed"),
    ),
    (
        "counterfeit",
        "假冒伪劣商品",
        (
            "假货",
            "假冒",
            "假的",
            "仿冒",
            "山寨",
            "高仿",
            "冒牌",
            "假药",
            "假酒",
            "伪劣",
            "三无",
            "不合格",
            "fake",
            "counterfeit",
        ),
    ),
    (
        "false_advertising",
        "虚假宣传",
        ("虚假宣传", "虚假广告", "夸大", "宣传", "广告", "吹嘘", "功效", "误导", "false advertising"),
    ),
    (
        "unfair_competition",
        "不正当竞争（刷单、虚假评价）",
        ("刷单", "虚假评价", "好评返现", "删差评", "不正当竞争", "商业贿赂"),
    ),
    (
        "consumer_rights",
        "侵害消费者权益（强制消费、霸王条款）",
        ("强制消费", "霸王条款", "强买强卖", "捆绑", "最低消费", "诱导", "强制"),
    ),
    ("other", "其他违法行为", ("其他违法", "其他")),
)


def _first_code(table, text: str) -> str | None:
    lowered = text.lower()
    for code, _name, words in table:
        if any(word in lowered for word in words):
            return code
    return None


def category_of(text: str) -> str | None:
    """The category code named by what was bought (手机 → G11, 健身卡 → S03), or None."""
    return _first_code(CATEGORIES, text)


def violation_of(text: str) -> str | None:
    """The violation type named by what was seen (卖假货 → counterfeit), or None."""
    return _first_code(VIOLATIONS, text)


# The names shown on the English chat page.
CATEGORY_NAMES_EN = {
    "S02": "Education and training",
    "S03": "Culture, entertainment and sport",
    "S10": "Medical services",
    "S07": "Home improvement and property services",
    "S08": "Travel services",
    "S09": "Transport and delivery",
    "S05": "Telecom services",
    "S06": "Finance and insurance",
    "S01": "Everyday services (catering, beauty, laundry)",
    "S11": "Repair services",
    "G11": "Phones and communication devices",
    "G02": "Household appliances and electronics",
    "G05": "Cars and other vehicles",
    "G06": "Medicine and medical devices",
    "G07": "Cosmetics",
    "G08": "Tobacco, alcohol and drinks",
    "G09": "Jewellery",
    "G10": "Housing, building materials and furniture",
    "G03": "Clothing, shoes and hats",
    "G01": "Food",
    "G04": "Daily necessities",
    "S04": "Internet services and live streaming",
    "G99": "Other goods",
    "S99": "Other services",
}
VIOLATION_NAMES_EN = {
    "food_safety": "Food safety (expired, spoiled, unhygienic)",
    "measurement_fraud": "Short weight or rigged measures",
    "price_fraud": "Price fraud or overcharging",
    "unlicensed": "Trading without a licence",
    "counterfeit": "Counterfeit or substandard goods",
    "false_advertising": "False advertising",
    "unfair_competition": "Unfair competition (fake orders, fake reviews)",
    "consumer_rights": "Infringing consumer rights (forced purchases, unfair terms)",
    "other": "Other unlawful conduct",
}


def category_name(code: str, language: str = "zh-hans") -> str:
    if language == "en" and code in CATEGORY_NAMES_EN:
        return CATEGORY_NAMES_EN[code]
    return next((name for known, name, _words in CATEGORIES if known == code), code)


def violation_name(code: str, language: str = "zh-hans") -> str:
    if language == "en" and code in VIOLATION_NAMES_EN:
        return VIOLATION_NAMES_EN[code]
    return next((name for known, name, _words in VIOLATIONS if known == code), code)
