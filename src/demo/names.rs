//! Chinese names for the demo community. Fictional; any likeness to real people is chance.

/// Common surnames in southern Fujian.
pub const SURNAMES: &[&str] = &[
    "陈", "林", "黄", "张", "李", "王", "吴", "刘", "蔡", "杨", "郑", "许", "洪", "谢", "曾", "苏", "庄", "叶", "卢",
    "周", "柯", "颜", "傅", "施",
];

/// Given names, including characters outside GB2312 level 1 (昊 琦 婷 晔 淼 玥 喆 堃 珺 彧 犇),
/// so that fonts and PDF subsetting are exercised by real names.
pub const GIVEN_NAMES: &[&str] = &[
    "志明", "丽华", "建国", "晓燕", "昊天", "琦", "婷婷", "晔", "淼", "玥", "喆", "堃", "珺", "彧", "犇", "秀英",
    "海峰", "雅琴", "振华", "美玲", "俊杰", "淑芬", "文斌", "雪梅", "国平", "小红", "伟东", "慧敏", "金水", "阿娇",
    "德胜", "春燕", "家豪", "素云", "荣华", "佳怡",
];

pub const SHOP_PREFIXES: &[&str] = &[
    "康乐",
    "阿福",
    "鑫源",
    "惠民",
    "金山",
    "老陈",
    "好邻居",
    "东浦",
    "万家",
    "佳佳",
    "南山",
    "和顺",
    "嘉禾",
    "湖里",
    "永兴",
    "福满",
    "群英",
    "闽南",
];

pub const SHOP_KINDS: &[&str] = &[
    "便利店",
    "水果店",
    "理发店",
    "药房",
    "面线糊",
    "沙县小吃",
    "五金店",
    "洗衣店",
    "早餐店",
    "烟酒商行",
    "茶叶店",
    "快递驿站",
    "房产中介",
    "口腔诊所",
    "培训中心",
    "花店",
    "眼镜店",
    "鞋店",
    "母婴店",
    "文具店",
];

pub const RESTAURANT_KINDS: &[&str] = &["海鲜酒楼", "土笋冻", "沙茶面", "烧肉粽", "牛肉店", "饭庄"];

pub const COMPANY_WORDS: &[&str] =
    &["鹭岛", "嘉信", "海沧", "恒盛", "宏图", "金鹭", "天成", "瑞丰", "新景", "远航", "同创", "明达"];

pub const COMPANY_TRADES: &[&str] = &[
    "贸易有限公司",
    "科技有限公司",
    "物流有限公司",
    "装饰工程有限公司",
    "信息技术有限公司",
    "进出口有限公司",
    "文化传媒有限公司",
    "餐饮管理有限公司",
];
