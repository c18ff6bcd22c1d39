/** Name material for the demo county (民乐县, 张掖市, 甘肃). Fiction: any likeness to real people is chance. */
export const SURNAMES = Array.from(
  "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
);
export const GIVEN = Array.from(
  "建国军华明丽芳敏静强伟磊洋勇艳杰娟涛超秀英兰霞平刚桂玉梅红云峰鹏辉志文斌燕凤琴宁海波亮宏晶婷雪萍慧俊浩彬春林生荣成福禄寿喜德忠孝仁义礼智信安康泰",
);
export const COMMUNITIES = [
  "金山花园",
  "银河小区",
  "丹霞苑",
  "民乐家园",
  "圣天府",
  "祁连嘉园",
  "扁都口小区",
  "顺化新村",
  "南关小区",
  "北街小区",
  "东苑小区",
  "西城花园",
  "幸福里",
  "和谐家园",
  "阳光小区",
  "锦绣华庭",
  "康乐小区",
  "惠民小区",
  "福民小区",
  "安居小区",
  "翰林苑",
  "书香苑",
  "滨河湾",
  "新天地",
  "泰和园",
  "紫金苑",
  "怡景苑",
  "润泽园",
  "盛世华城",
  "馨园小区",
  "世纪花园",
  "凤凰城",
  "雅苑",
  "丰泽苑",
  "明珠小区",
  "兴民小区",
];
export const DISTRICTS = ["城东社区", "城西社区", "城南社区", "城北社区", "新区社区", "六坝社区"];
export const STATIONS = [
  "城东换热站",
  "城西换热站",
  "城南换热站",
  "城北换热站",
  "新区一号换热站",
  "新区二号换热站",
  "工业园换热站",
  "老城换热站",
];
/** county administrative code of 民乐县, the first six digits of local ID numbers */
export const COUNTY_CODE = "620722";
