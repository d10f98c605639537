/**
 * The kinds of matters residents raise, as the labelled-data generator (./generate.ts) writes
 * them: for each kind, short phrasings (titles), longer ones (descriptions), phrasings that
 * appear only late in the timeline (new ways of saying it, never seen in training), the
 * categories clerks file it under (with how often: some matters are honestly ambiguous), the
 * departments the center dispatches (lead first) and the list.
 *
 * Written apart from the shipped lexicon (lib/suggest/lexicon.ts) and not copied from it: both use
 * the words residents use, but no sentence of one is in the other.
 */
export interface Subtopic {
  key: string;
  short: string[];
  long: string[];
  late?: string[];
  categories: Array<[string, number]>;
  departments: string[];
  list: 'immediate' | 'phased' | 'understanding';
}

export const SUBTOPICS: Subtopic[] = [
  // 环境卫生
  { key: 'garbage', short: ['垃圾没人清运', '垃圾桶满了没人收', '垃圾堆积', '生活垃圾乱堆'], long: ['单元楼下的几个垃圾桶堆得冒尖，猫狗一翻满地都是', '垃圾站好几天没有清运，天气热臭味很大', '路边堆了很多生活垃圾，环卫工人一直没来收', '垃圾分类点的桶坏了，大家只能把垃圾扔在地上'], late: ['智能分类回收箱满了投不进去，垃圾只能堆在箱子旁边'], categories: [['environment', 1]], departments: ['urban'], list: 'immediate' },
  { key: 'septic', short: ['化粪池满溢', '化粪池外溢', '污水横流', '粪水外冒'], long: ['化粪池满了，污水流得到处都是，臭不可闻', '楼后面的化粪池堵了，粪水从盖板缝里往外冒', '化粪池很久没有清掏，整栋楼都是臭味'], late: ['化粪池盖板破损，粪水渗进了地下室'], categories: [['environment', 0.6], ['utilities', 0.25], ['property', 0.15]], departments: ['urban', 'housing'], list: 'immediate' },
  { key: 'fumes', short: ['饭店油烟扰民', '油烟直排', '烧烤摊油烟大'], long: ['楼下餐馆的油烟没有经过净化就排出来，家里全是油烟味', '夜市烧烤摊烟雾很大，整条街都是呛人的味道', '一楼新开的快餐店排烟管正对着居民窗户'], late: ['小吃店没装净化器，油污顺着墙往下滴'], categories: [['environment', 0.85], ['disputes', 0.15]], departments: ['environment', 'market'], list: 'immediate' },
  { key: 'river', short: ['河道发黑发臭', '河里漂满垃圾', '工厂偷排污水'], long: ['门前那条内河这几天颜色发绿，一股腥臭味', '附近厂子晚上偷偷往河里排污水，水都变色了', '河边堆满了垃圾和杂物，很久没人清理'], late: ['河岸边的排污口一直往外冒白色泡沫'], categories: [['environment', 1]], departments: ['environment', 'water'], list: 'phased' },
  // 物业管理
  { key: 'lift', short: ['电梯故障', '电梯困人', '电梯经常停运', '电梯有异响'], long: ['电梯三天两头坏，上周还把老人关在里面半个小时', '电梯运行时有很大响声，还会突然往下掉一截', '电梯停了一个多星期，物业说在等配件，高层住户只能爬楼'], late: ['电梯检验合格证过期了还在运行，物业不管'], categories: [['property', 0.7], ['public_safety', 0.15], ['housing', 0.15]], departments: ['market', 'housing'], list: 'immediate' },
  { key: 'service', short: ['物业不作为', '物业乱收费', '物业服务差', '物业费上涨'], long: ['物业公司只收钱不办事，小区设施坏了没人修', '物业突然上涨物业费，也没有开业主大会', '电梯广告和停车的钱都进了物业口袋，业主一分看不到账'], late: ['物业合同到期后物业公司撤场，小区没人管了'], categories: [['property', 1]], departments: ['housing'], list: 'phased' },
  { key: 'door', short: ['单元门坏了', '门禁失灵', '小区监控坏了'], long: ['楼栋大门的电子锁坏了，外卖快递随便出入', '大门的道闸和刷卡机都坏了，保安亭里也经常没人', '小区的监控摄像头全都不亮，出了事没法查'], late: ['刷脸门禁经常认不出业主，进门要排队'], categories: [['property', 0.8], ['public_safety', 0.2]], departments: ['housing', 'police'], list: 'immediate' },
  { key: 'clutter', short: ['楼道堆满杂物', '楼道被占用'], long: ['二楼住户在楼梯拐角堆了几十个泡沫箱和旧沙发', '有住户把楼道当成自家的储物间，过人都困难'], categories: [['property', 0.7], ['public_safety', 0.3]], departments: ['housing', 'police'], list: 'immediate' },
  // 道路交通
  { key: 'lamp', short: ['路灯不亮', '路灯坏了', '路灯损坏', '整条路没有灯'], long: ['路口的几盏路灯都不亮了，晚上黑漆漆的', '路灯坏了半个多月，晚上走路很危险', '新修的道路路灯一直没有通电'], late: ['路灯白天亮着晚上反而不亮，浪费电'], categories: [['roads', 0.75], ['utilities', 0.2], ['public_safety', 0.05]], departments: ['urban'], list: 'immediate' },
  { key: 'pothole', short: ['路面坑洼', '道路破损', '路面塌陷', '马路开裂'], long: ['沥青路面被大货车压出一个个深坑，昨天还有人骑车摔伤', '路面突然陷下去一个大坑，车经过很危险', '道路修补后又裂开了，高低不平'], late: ['管道施工后路面没有恢复，留下一道深沟'], categories: [['roads', 1]], departments: ['transport', 'urban'], list: 'immediate' },
  { key: 'manhole', short: ['井盖缺失', '井盖破损', '窨井盖松动'], long: ['公交站旁边的检查井没有盖子，用一根树枝插着当提醒', '井盖松了，车子压过去咣当咣当响', '雨水井的盖子碎了，差点有小孩踩进去'], categories: [['roads', 0.7], ['public_safety', 0.3]], departments: ['urban'], list: 'immediate' },
  { key: 'signal', short: ['红绿灯故障', '信号灯时间太短', '路口没有红绿灯'], long: ['路口红绿灯一直闪黄灯，车辆乱成一团', '过街的绿灯一亮就开始倒计时，腿脚慢的根本走不到对面', '学校门口的路口没有信号灯，接送孩子太危险'], late: ['新开的路口信号灯配时不合理，早晚高峰堵得厉害'], categories: [['roads', 1]], departments: ['police', 'transport'], list: 'immediate' },
  { key: 'vendors', short: ['占道经营', '流动摊贩占道', '商铺占道'], long: ['每天傍晚菜市场外面摆满了地摊，人车混在一起', '商铺把货物摆满了人行道', '早餐摊占着人行道，地上全是油污'], categories: [['roads', 0.6], ['environment', 0.2], ['parking', 0.2]], departments: ['urban', 'market'], list: 'immediate' },
  // 水电燃气
  { key: 'nowater', short: ['突然停水', '停水没有通知', '连续停水'], long: ['从昨天下午开始水龙头就没水了，物业和水厂都说不清楚', '这一片经常停水，家里老人孩子生活很不方便', '停水好几天了，物业说是市政管网的问题'], categories: [['utilities', 1]], departments: ['water'], list: 'immediate' },
  { key: 'waterquality', short: ['自来水发黄', '水压太低', '自来水有异味'], long: ['自来水放出来是黄的，还有一股铁锈味', '住十八楼，水龙头只有细细一股，热水器都点不着', '自来水浑浊，烧开后有很多沉淀'], late: ['楼顶水箱很久没清洗，水里能看到小虫'], categories: [['utilities', 1]], departments: ['water', 'health'], list: 'immediate' },
  { key: 'pipe', short: ['水管爆裂', '主管道漏水', '地下管网漏水'], long: ['绿化带下面的供水管裂了，水柱喷得老高', '路边地下一直往外渗水，应该是管道破了', '楼道里的水管老化漏水，墙都泡坏了'], categories: [['utilities', 0.8], ['housing', 0.2]], departments: ['water', 'housing'], list: 'immediate' },
  { key: 'gas', short: ['燃气泄漏', '闻到燃气味', '燃气管道老化'], long: ['一进单元门就是一股煤气味，晚上都不敢开灯', '燃气管道锈得很厉害，怕出事', '燃气表接口处一直有嘶嘶的漏气声'], categories: [['utilities', 0.7], ['public_safety', 0.3]], departments: ['housing', 'police'], list: 'immediate' },
  { key: 'drain', short: ['下水道堵塞', '污水倒灌', '雨水井堵了'], long: ['一楼卫生间地漏往上返脏水，屋里全是污水', '每次下雨雨水井都排不出去，路上积水很深', '厨房下水管堵了，整栋楼的污水往上冒'], late: ['暴雨过后小区地下车库积水有半米深'], categories: [['utilities', 0.6], ['environment', 0.4]], departments: ['urban', 'water'], list: 'immediate' },
  { key: 'power', short: ['小区频繁停电', '经常跳闸', '停电不通知'], long: ['这个月断了四五次电，家里的电器都烧坏了一台', '楼里线路老化，一开空调就跳闸', '突然大面积停电，也没有提前通知'], categories: [['utilities', 1]], departments: ['housing'], list: 'immediate' },
  // 房屋安全
  { key: 'crack', short: ['墙体开裂', '房屋裂缝', '危房', '楼房倾斜'], long: ['家里承重墙出现很长的裂缝，而且越来越大', '老房子年久失修，屋顶随时可能塌', '楼房明显向一边歪，住户都很害怕'], categories: [['housing', 1]], departments: ['housing', 'planning'], list: 'phased' },
  { key: 'roofleak', short: ['屋顶漏水', '顶楼漏雨', '外墙渗水'], long: ['住六楼，每逢下大雨屋里就得拿盆接水', '外墙渗水，卧室墙面一大片水印', '楼顶防水层破了，物业说要动用维修基金'], late: ['卫生间楼板渗水，滴到楼下邻居家'], categories: [['housing', 0.7], ['property', 0.3]], departments: ['housing'], list: 'phased' },
  { key: 'facade', short: ['外墙脱落', '瓷砖掉落', '墙皮脱落'], long: ['外立面的砖块掉下来把一楼的雨棚砸穿了', '外墙保温层脱落，挂在半空中很危险', '楼道墙皮大块大块地脱落'], categories: [['housing', 0.7], ['public_safety', 0.3]], departments: ['housing', 'urban'], list: 'immediate' },
  { key: 'illegal', short: ['违章搭建', '楼顶违建', '私自加建'], long: ['有住户在楼顶搭彩钢房，影响整栋楼安全', '一楼住户私自扩建院子，占了公共绿地', '邻居在阳台外面违规加建，挡住我家采光'], late: ['有人把车库改成出租屋住人'], categories: [['housing', 0.6], ['property', 0.2], ['disputes', 0.2]], departments: ['planning', 'urban'], list: 'phased' },
  // 公共安全
  { key: 'charging', short: ['飞线充电', '电动车进楼道充电', '私拉电线充电'], long: ['五楼住户把插线板从窗口吊下来给电瓶车充电，线就挂在一楼门口', '电动车停在楼道里充电，万一着火整栋楼都跑不掉', '车棚里乱拉电线充电，插座都烧黑了'], late: ['有人把电瓶车推进电梯带回家充电'], categories: [['public_safety', 1]], departments: ['police', 'urban'], list: 'immediate' },
  { key: 'firelane', short: ['消防通道被堵', '消防通道堆物'], long: ['小区唯一的消防车道上停满了私家车，真着火了车开不进来', '有商户在消防通道上堆放货物'], categories: [['public_safety', 0.6], ['parking', 0.3], ['property', 0.1]], departments: ['police', 'housing'], list: 'immediate' },
  { key: 'throwing', short: ['高空抛物', '楼上扔东西'], long: ['不知道哪家从楼上丢下来一袋剩饭，正好落在婴儿车旁边', '经常有酒瓶从楼上扔下来，大家都不敢从楼下走'], categories: [['public_safety', 1]], departments: ['police'], list: 'immediate' },
  { key: 'theft', short: ['小区频繁被盗', '电动车被偷', '有可疑人员'], long: ['最近小区连续发生入室盗窃', '车棚里的电瓶接连被偷', '有陌生人挨家挨户推销，怀疑是诈骗'], late: ['有人冒充社区工作人员上门收钱'], categories: [['public_safety', 1]], departments: ['police'], list: 'immediate' },
  { key: 'landslide', short: ['山体滑坡隐患', '边坡塌方'], long: ['屋后山坡下雨后有泥土滑下来，担心会滑坡', '挡土墙开裂，下面就是居民房'], categories: [['public_safety', 0.7], ['housing', 0.3]], departments: ['planning', 'water'], list: 'immediate' },
  // 养老服务
  { key: 'alone', short: ['独居老人无人照顾', '空巢老人需要帮助'], long: ['楼上独居老人行动不便，子女不在身边，生活没人照顾', '隔壁八十多岁的老人三四天没见下楼，打电话也不接', '空巢老人生病了，没人送去医院'], late: ['独居老人的智能手环报警，联系不上家属'], categories: [['elderly_care', 1]], departments: ['civil', 'health'], list: 'immediate' },
  { key: 'meals', short: ['老年助餐', '老年食堂', '助餐点太少'], long: ['长者饭堂一餐要二十多块，退休金低的老人舍不得吃', '附近没有助餐点，老人吃饭很不方便', '希望能给行动不便的老人送餐上门'], categories: [['elderly_care', 1]], departments: ['civil'], list: 'phased' },
  { key: 'homecare', short: ['居家养老服务', '失能老人照护', '养老院床位紧张'], long: ['老伴中风卧床，我一个人照顾不过来，能不能有人上门帮忙', '公办养老院排队两年都住不进去', '希望社区提供白天照料老人的服务'], categories: [['elderly_care', 0.7], ['social_security', 0.3]], departments: ['civil', 'health'], list: 'phased' },
  { key: 'elevatoradd', short: ['加装电梯', '适老化改造'], long: ['住七楼的老人腿脚不好，一年到头下不了几次楼，盼着装电梯', '希望给老人家里做适老化改造，装个扶手'], categories: [['elderly_care', 0.6], ['housing', 0.4]], departments: ['housing', 'civil'], list: 'phased' },
  // 矛盾纠纷
  { key: 'leakfight', short: ['邻里漏水纠纷', '楼上漏水不赔偿'], long: ['楼上卫生间渗水，我家吊顶全泡烂了，对方说不关他的事', '因为漏水的事和楼上吵了好几次，一直没有结果'], categories: [['disputes', 0.8], ['housing', 0.2]], departments: ['civil'], list: 'phased' },
  { key: 'wages', short: ['拖欠工资', '老板欠薪', '讨要工资'], long: ['在工地干了大半年，包工头一分钱工钱都没结', '公司倒闭，老板跑了，工资一直没发', '干完活包工头不给结账'], late: ['外卖平台扣了骑手押金一直不退'], categories: [['disputes', 0.6], ['social_security', 0.4]], departments: ['civil', 'police'], list: 'phased' },
  { key: 'rent', short: ['房东不退押金', '租房纠纷', '中介欺诈'], long: ['退房后房东找各种理由不退押金', '租房中介收了钱就联系不上了', '房东突然涨房租，要我们马上搬走'], categories: [['disputes', 1]], departments: ['market', 'civil'], list: 'phased' },
  { key: 'dogs', short: ['遛狗不拴绳', '狗咬人', '养狗扰民'], long: ['有人遛大型犬从不牵绳，前几天把一个孩子的腿咬破了', '楼下有人养了好几条大狗，整天乱叫', '小区里流浪狗越来越多，晚上追着人咬'], categories: [['disputes', 0.6], ['public_safety', 0.4]], departments: ['police', 'urban'], list: 'immediate' },
  // 噪音扰民
  { key: 'nightwork', short: ['夜间施工扰民', '工地半夜施工', '施工噪音'], long: ['隔壁楼盘工地夜里还在浇混凝土，轰鸣声一直响到后半夜', '工地打桩机轰隆隆响，晚上也不停', '夜里渣土车来回拉土，声音很大'], late: ['地铁施工夜间爆破，窗户都在震'], categories: [['noise', 1]], departments: ['environment', 'urban'], list: 'immediate' },
  { key: 'renovation', short: ['装修噪音扰民', '周末装修电钻'], long: ['楼上在装修，天天敲敲打打，双休日早上七点就开始', '隔壁装修中午休息时间还在打电钻'], categories: [['noise', 0.7], ['disputes', 0.3]], departments: ['housing', 'environment'], list: 'immediate' },
  { key: 'dancing', short: ['广场舞扰民', '广场舞音响太吵', '喇叭叫卖扰民'], long: ['跳舞的阿姨们天天晚上在楼下放歌，孩子没法写作业', '街边手机店整天用大音箱放促销录音', '楼下有人在空地上唱歌，音响震得窗户响'], categories: [['noise', 0.8], ['disputes', 0.2]], departments: ['police', 'urban'], list: 'immediate' },
  { key: 'bar', short: ['酒吧噪音', 'KTV扰民'], long: ['清吧开到深夜两点，鼓点声楼上听得一清二楚', 'KTV营业到凌晨，门口客人大声喧哗'], categories: [['noise', 0.8], ['public_safety', 0.2]], departments: ['police', 'market'], list: 'immediate' },
  // 园林绿化
  { key: 'trim', short: ['树木需要修剪', '树枝遮挡窗户', '树枝挡住路灯'], long: ['楼下香樟树长得比四楼还高，屋里白天也要开灯', '行道树的枝叶太密，把路灯都挡住了', '树枝压在电线上，刮风时很危险'], categories: [['greening', 1]], departments: ['urban'], list: 'immediate' },
  { key: 'fallen', short: ['大树倒伏', '枯树随时会倒', '台风刮倒树木'], long: ['昨晚大风过后，一棵榕树倒在马路上压住了两辆车', '小区中心那棵老树已经枯了，树干歪向儿童游乐区', '树根把人行道都拱起来了'], late: ['大树被白蚁蛀空了，树干一推就晃'], categories: [['greening', 0.7], ['public_safety', 0.3]], departments: ['urban'], list: 'immediate' },
  { key: 'lawn', short: ['毁绿种菜', '绿化带被破坏', '草坪没人管'], long: ['一楼老人把楼前的草地翻了种葱和青菜', '绿化带长期没人养护，杂草丛生', '施工单位把绿地挖了没有恢复'], categories: [['greening', 0.8], ['property', 0.2]], departments: ['urban', 'housing'], list: 'phased' },
  // 停车管理 (its lead moves from transport to urban when the center changes the catalogue)
  { key: 'chaos', short: ['小区乱停车', '车辆乱停乱放', '占道停车'], long: ['小区里车辆乱停乱放，道路都被堵死了', '路边违停车辆太多，公交车都过不去', '有车长期停在小区出入口'], late: ['新能源车占着充电车位不挪走'], categories: [['parking', 0.8], ['public_safety', 0.1], ['property', 0.1]], departments: ['transport', 'police'], list: 'immediate' },
  { key: 'zombie', short: ['僵尸车长期占用车位', '废弃车辆无人处理'], long: ['路边一辆破车停了一年多，轮胎都瘪了', '小区里有几辆僵尸车占着车位没人管'], categories: [['parking', 1]], departments: ['police', 'urban'], list: 'immediate' },
  { key: 'spaces', short: ['私装地锁', '车位被占', '停车位不够'], long: ['几个业主在公共区域划了车位还上了锁，别人停不了', '下班回来绕小区三圈都找不到一个空位', '地下车库车位只卖不租'], categories: [['parking', 0.7], ['property', 0.3]], departments: ['housing', 'transport'], list: 'phased' },
  { key: 'bikes', short: ['共享单车乱停放', '共享单车堵门'], long: ['地铁口的共享单车堆成了山，行人过不去', '早上小区大门口横七竖八全是共享单车，电动车出不去'], categories: [['parking', 0.6], ['roads', 0.4]], departments: ['transport', 'urban'], list: 'immediate' },
  // 社会保障
  { key: 'pension', short: ['养老金没到账', '退休金发放问题', '养老保险缴费'], long: ['我妈的退休工资这个月迟迟没有打到卡上', '退休金核算有误，比同事少了很多', '灵活就业人员的养老保险怎么交'], categories: [['social_security', 1]], departments: ['civil'], list: 'understanding' },
  { key: 'dibao', short: ['低保申请', '低保被取消', '临时救助'], long: ['丈夫去世后家里没有收入，想问问怎么办低保', '低保突然被取消了，也没有人解释原因', '家里有人重病，想申请临时救助'], late: ['低保复核要交的证明太多，老人办不下来'], categories: [['social_security', 0.8], ['elderly_care', 0.2]], departments: ['civil'], list: 'understanding' },
  { key: 'medical', short: ['医保报销难', '医保卡无法使用', '异地就医报销'], long: ['住院的钱拿去报销，来回跑了四五趟材料还是不齐', '医保卡在药店刷不了', '在外地住院的费用回来报销不了'], categories: [['social_security', 0.8], ['other', 0.2]], departments: ['health', 'civil'], list: 'understanding' },
  { key: 'disability', short: ['残疾人补贴', '残疾证办理'], long: ['孩子的残疾人护理补贴交上去快一个季度了没消息', '残疾证到期换证要跑好几个地方'], categories: [['social_security', 0.7], ['elderly_care', 0.3]], departments: ['civil', 'health'], list: 'understanding' },
  // 其他
  { key: 'consult', short: ['政策咨询', '办事咨询', '居住证办理'], long: ['外地来的租户想知道在哪里登记暂住', '孩子上学需要开什么证明', '社区有没有免费的技能培训'], categories: [['other', 0.8], ['social_security', 0.2]], departments: ['civil'], list: 'understanding' },
  { key: 'signalphone', short: ['手机信号差', '快递乱收费'], long: ['家里在屋里打电话总是断线，信号只有一格', '快递驿站要收上门费'], categories: [['other', 1]], departments: ['market'], list: 'understanding' },
  { key: 'praise', short: ['点赞网格员', '建议增设便民设施'], long: ['社区网格员热心帮助孤寡老人，特此表扬', '建议在小区增设休息座椅和健身器材'], late: ['建议社区给老年人开智能手机培训班'], categories: [['other', 1]], departments: ['civil'], list: 'understanding' },
];
