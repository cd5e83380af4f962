//! UI and print texts in zh-CN (default) and English. Keys are checked by the compiler.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

impl Lang {
    pub fn tr(self, key: T) -> &'static str {
        match self {
            Lang::ZhCn => key.zh(),
            Lang::En => key.en(),
        }
    }

    /// A text with a number in it: `{n}` in the text is replaced by `n`.
    pub fn tr_n(self, key: T, n: impl std::fmt::Display) -> String {
        self.tr(key).replace("{n}", &n.to_string())
    }
}

macro_rules! texts {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A translatable text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum T { $($key),* }

        impl T {
            pub const ALL: &'static [T] = &[$(T::$key),*];
            pub fn zh(self) -> &'static str { match self { $(T::$key => $zh),* } }
            pub fn en(self) -> &'static str { match self { $(T::$key => $en),* } }
        }
    };
}

texts! {
    AppName => "网格通", "Wangge";
    File => "文件", "File";
    Open => "打开…", "Open…";
    SaveAs => "另存为…", "Save as…";
    OpenBasemap => "打开离线底图 (MBTiles)…", "Open offline basemap (MBTiles)…";
    CloseBasemap => "关闭底图", "Close basemap";
    OnlineTiles => "在线底图 (OpenStreetMap)", "Online basemap (OpenStreetMap)";
    OnlineTilesUnavailable => "此版本未包含在线底图", "This build has no online basemap";
    Quit => "退出", "Quit";
    PrintExport => "打印/导出…", "Print / export…";
    ExportPng => "导出地图图片 (PNG)…", "Export map image (PNG)…";
    View => "视图", "View";
    Language => "语言", "Language";
    FitCommunity => "全图", "Fit community";
    ZoomIn => "放大", "Zoom in";
    ZoomOut => "缩小", "Zoom out";
    Overlay => "楼栋着色", "Buildings by";
    OverlayByGrid => "所属网格", "Grid";
    OverlayResidents => "居民人数", "Residents";
    OverlayHouseholds => "户数", "Households";
    OverlayLastPatrol => "最近巡查", "Last patrol";
    Labels => "显示标注", "Show labels";
    Grids => "网格", "Grids";
    Grid => "网格", "Grid";
    GridCode => "网格编码", "Grid code";
    Residents => "居民", "Residents";
    Households => "户数", "Households";
    Buildings => "楼栋", "Buildings";
    Dwellings => "房屋", "Dwellings";
    Organisations => "单位", "Organisations";
    Staff => "人员", "Staff";
    GridLeader => "网格长", "Grid leader";
    GridWorker => "网格员", "Grid worker";
    CommunityLeader => "社区领导", "Community leadership";
    CommunityPolice => "小区警察", "Community police";
    UrbanManagement => "小区城管", "Urban management";
    Mediator => "调解员", "Mediator";
    BalanceRule => "网格人口标准", "Grid population rule";
    BelowRange => "低于标准", "below the rule";
    WithinRange => "符合标准", "within the rule";
    AboveRange => "高于标准", "above the rule";
    Inspector => "楼栋信息", "Building";
    Compound => "小区", "Compound";
    Area => "片区", "Area";
    Group => "组", "Group";
    Floors => "层数", "Floors";
    Stairwells => "单元", "Stairwells";
    LastPatrol => "最近巡查", "Last patrol";
    NeverPatrolled => "无记录", "none";
    NoneInside => "无", "none";
    ClickABuilding => "点击地图上的楼栋查看详情", "Click a building on the map for details";
    Close => "关闭", "Close";
    Legend => "图例", "Legend";
    PublicBuilding => "公共建筑", "Public building";
    NotInGrid => "未划入网格", "In no grid";
    DaysAgo0 => "今天或昨天", "today or yesterday";
    DaysAgo3 => "3天内", "within 3 days";
    DaysAgo7 => "7天内", "within 7 days";
    DaysAgo14 => "14天内", "within 14 days";
    BlindSpot => "超过14天/无记录 (盲区)", "older or never (blind spot)";
    VisitedHalfDay => "半天内", "within half a day";
    VisitedDay => "1天内", "within a day";
    VisitBlindSpot => "超过7天/未走访 (盲区)", "older than 7 days or never (blind spot)";
    LastVisitTracks => "最近走访 (轨迹)", "Last visit (tracks)";
    Totals => "社区概况", "Community";
    OpenFailed => "无法打开文件", "Could not open the file";
    SaveFailed => "无法保存文件", "Could not save the file";
    BasemapFailed => "无法打开底图", "Could not open the basemap";
    Attribution => "底图", "Basemap";
    People => "人", "people";
    Topology => "网格拓扑", "Grid topology";
    TopologyClean => "无缝隙、无重叠", "no gaps, no overlaps";
    TopologyGap => "存在缝隙", "gaps";
    TopologyNoGrids => "尚未划分网格：请绘制或导入网格", "no grids yet: draw or import them";
    TopologyOverlap => "存在重叠", "overlaps";
    Phone => "电话", "Phone";
    Hotline => "监督电话", "Supervision hotline";
    PeopleCount => "{n}人", "{n} people";
    ExportTitle => "打印与导出", "Print and export";
    ExportPerBuilding => "每栋楼一张", "One per building";
    ExportPaper => "纸张", "Paper";
    ExportLandscape => "横向", "Landscape";
    ExportAutoScale => "自动比例尺", "Automatic scale";
    ExportTiled => "拼贴打印 (分页)", "Tile onto sheets";
    ExportSheet => "分页纸张", "Sheet";
    ExportPdf => "导出 PDF…", "Export PDF…";
    ExportOverlap => "重叠 mm", "overlap mm";
    ProductWallMap => "网格图", "Grid wall map";
    ProductAtlas => "网格分图册", "Atlas";
    ProductBoards => "监督台", "Supervision boards";
    ProductRoster => "值班表", "Duty roster";
    ProductStaffing => "人员编配图", "Staffing chart";
    ProductCoverage => "巡查覆盖图", "Patrol coverage map";
    PrintCoverageMap => "巡查覆盖图", " patrol coverage map";
    PrintBlindRule => "盲区：连续 {n} 个半天未走访", "blind spot: {n} half days in a row without a visit";
    PrintMoreBlindSpots => "另有 {n} 处盲区未列出", "{n} more blind spots not listed";
    PrintPlanCompare => "{c}网格调整对比：{a} → {b}", "{c} grid changes: {a} → {b}";
    PrintPlanCompareDoc => "网格调整对比", " grid change comparison";
    PrintContinued => "（续）", " (continued)";
    PlanLegendNewLines => "本方案网格线", "Grid lines of this plan";
    PlanLegendOldLines => "原方案网格线", "Grid lines of the previous plan";
    PlanLegendMoved => "调整网格的楼栋（按新网格着色）", "Buildings that change grid (in the new grid's colour)";
    PlanLegendUnchanged => "网格不变的楼栋", "Buildings that keep their grid";
    PlanSummary => "调整概况", "Summary";
    PlanMovedBuildings => "调整楼栋：{n} 栋", "Buildings that change grid: {n}";
    PlanMovedResidents => "调整居民：{n} 人", "Residents who change grid: {n}";
    PlanMovedHouseholds => "调整户数：{n} 户", "Households that change grid: {n}";
    PlanGridCounts => "网格数：{a} → {b}", "Grids: {a} → {b}";
    PlanTransfers => "网格间调整", "Transfers between grids";
    PlanFromGrid => "原网格", "From grid";
    PlanToGrid => "新网格", "To grid";
    PlanNoGrid => "（无网格）", "(no grid)";
    PlanNothingMoves => "两个方案中每栋楼的网格相同，没有调整", "Every building keeps its grid: nothing moves";
    // Print products.
    PrintPromise => "服务承诺：有求必应、有问必答、有难必帮。欢迎居民监督。", "Our promise: every request answered, every question replied, every difficulty helped. Residents are welcome to supervise our work.";
    PrintRosterNote => "白班 08:30–17:30；晚班 18:00–21:00；周末值班 09:00–17:00。错时上下班：网格员轮流承担晚间入户走访，晚间工作累计满8小时可调休1天（累计至本周末，跨周结转）。● 及底色标示晚间班次。", "Day 08:30–17:30; evening 18:00–21:00; weekend duty 09:00–17:00. Staggered hours: workers take turns at evening visits; every 8 accumulated evening hours earn one day off (counted up to the end of this week, carried over from earlier weeks). ● and shading mark evening shifts.";
    PrintDutyLeader => "值班领导", "Leader on duty";
    PrintOfficePhone => "值班电话", "Office phone";
    PrintGreyscale => "黑白（灰度）输出", "Black and white (greyscale)";
    PrintLeaderDutiesHeading => "网格长职责", "Grid leader's duties";
    PrintWorkerDutiesHeading => "网格员职责", "Grid workers' duties";
    LeaderDuties => "统筹网格内各项服务管理工作；组织网格员开展巡查走访；协调解决网格内群众反映的问题，难以解决的及时上报社区；每周一参加例会，通报网格工作情况。", "Leads all service work in the grid; organises the workers' patrols and visits; resolves residents' problems or escalates them to the community; reports at the Monday meeting.";
    WorkerDuties => "每半天巡查网格一次，走访住户与单位；采集、更新人口、房屋、单位信息；收集居民诉求与民生需求，发现问题及时处置或上报；开展政策宣传，服务困难群众。", "Patrols the grid every half day and visits households and organisations; keeps population, housing and organisation records current; collects residents' needs, handles or reports problems; explains policies and helps residents in difficulty.";
    PrintResidentsCount => "{n}人", "{n} residents";
    PrintCommunityBoundary => "社区边界", "Community boundary";
    PrintCompound => "小区（物业小区/单位宿舍）", "Compound";
    PrintRoad => "道路", "Road";
    PrintGridCount => "共{n}个网格", "{n} grids";
    PrintGridMap => "网格图", " grid map";
    PrintGridAtlas => "网格分图册", " grid atlas";
    PrintSupervisionBoards => "网格服务监督台", " supervision boards";
    PrintDutyRoster => "网格员值班表", " duty roster";
    PrintStaffingChart => "网格化服务管理人员编配示意图", " staffing chart";
    PrintPrinted => "打印日期 ", "printed ";
    PrintScale => "比例尺", "Scale";
    PrintLeader => "网格长", "Leader";
    PrintThisBuilding => "本楼", "This building";
    TitlePartySecretary => "党委书记", "Party secretary";
    TitlePartyDeputySecretary => "党委副书记", "Deputy party secretary";
    TitleCommitteeDirector => "居委会主任", "Residents' committee director";
    TitleCommitteeDeputyDirector => "居委会副主任", "Deputy committee director";
    TitleCommitteeMember => "居委会委员", "Committee member";
    TitleFullTimeWorker => "专职网格员", "Full-time grid worker";
    TitleCommunityPolice => "社区民警", "Community police";
    TitleUrbanManagement => "城管队员", "Urban management officer";
    TitleMediator => "人民调解员", "Mediator";
    PrintGridStaff => "网格工作人员", "Grid staff";
    PrintLeaderPhone => "网格长 · 电话", "Leader · phone";
    PrintWorkersPhone => "网格员 · 电话", "Workers · phone";
    PrintGridBoundary => "网格边界", "Grid boundary";
    PrintBuildingByGrid => "楼栋（按所属网格着色）", "Building (tinted by its grid)";
    PrintPublicSites => "公共服务场所", "Public sites";
    PrintSiteService => "社区服务中心/居委会", "Community service centre";
    PrintSiteSchool => "学校/幼儿园", "School / kindergarten";
    PrintSiteClinic => "卫生服务站", "Health station";
    PrintExtentPrefix => "四至：", "Bounds: ";
    PrintExtentEast => "东至{n}", "east {n}";
    PrintExtentWest => "西至{n}", "west {n}";
    PrintExtentSouth => "南至{n}", "south {n}";
    PrintExtentNorth => "北至{n}", "north {n}";
    PrintExtentNoRoad => "（无道路）", "(no road)";
    PrintSketchNote => "示意图，不作测绘依据。", "Sketch map, not a survey.";
    PrintDataSource => "数据来源：{n}；", "Data: {n};";
    PrintDataDate => "数据日期：{n}；", "as of {n};";
    PrintCrs => "坐标系：WGS-84 经纬度（按 CGCS2000 使用）。", "coordinates: WGS-84 longitude/latitude (≈ CGCS2000).";
    PrintColon => "：", ": ";
    PrintHouseholds => "户数", "households";
    PrintBuildings => "楼栋", "buildings";
    PrintBuilding => "楼栋", "Building";
    PrintFl => "层", "Fl.";
    PrintHh => "户数", "Hh.";
    PrintRes => "居民", "Res.";
    PrintBuildingGridServiceBoard => "楼栋网格服务监督牌", "Building grid service board";
    PrintGridServiceSupervisionBoard => "网格服务监督台", "Grid service supervision board";
    PrintCode => "网格编码 ", "code ";
    PrintAreaServed => "服务范围", "Area served";
    PrintResidentsCommittee => "居民委员会", "residents' committee";
    PrintRole => "岗位", "Role";
    PrintName => "姓名", "Name";
    PrintEveH => "晚间(时)", "Eve. h";
    PrintDaysOff => "可调休", "Days off";
    PrintDayEve => "白班+晚班", "day+eve";
    PrintDuty => "值班", "duty";
    PrintDay => "白班", "day";
    PrintEve => "晚班", "eve";
    PrintOff => "休", "off";
    PrintWorker => "网格员", "Worker";
    PrintLiaisonOfficers => "包保干部（下沉力量）", "Liaison officers";
    PrintPageOf => "第 {n} 页 / 共 {total} 页", "Page {n} of {total}";
    PrintAtlasIndex => "网格索引", "Index of grids";
    PrintGrid => "网格", "Grid";
    PrintPage => "页码", "Page";
    PrintMoreBuildings => "另有 {n} 栋楼未能列出", "{n} more buildings not listed";
    PosterAssembly => "拼贴示意", "Assembly plan";
    PosterSheets => "{page}图纸分{n}张{sheet}打印", "{page} page printed on {n} {sheet} sheets";
    PosterTrim => "裁去每张左侧与上侧白边（首列不裁左边，首行不裁上边），将裁边对齐前一张的虚线，在重叠区粘贴。", "Trim the left and top white margins of each sheet (not the left of the first column, not the top of the first row), lay the cut edge on the dashed line of the sheet before it and glue in the overlap.";
    PosterPortrait => "纵向", "portrait";
    PosterLandscape => "横向", "landscape";
    PosterSkipped => "空白处不打印", "blank, not printed";
    Mon => "周一", "Mon";
    Tue => "周二", "Tue";
    Wed => "周三", "Wed";
    Thu => "周四", "Thu";
    Fri => "周五", "Fri";
    Sat => "周六", "Sat";
    Sun => "周日", "Sun";
    EditMenu => "编辑", "Edit";
    Undo => "撤销", "Undo";
    Redo => "重做", "Redo";
    EditFailed => "无法修改", "Could not change";
    ReadOnlyNote => "只读：可以查看和打印，不能修改", "Read-only: you can view and print, not change";
    Problems => "数据问题", "Data problems";
    ProblemsIntro => "以下数据行无法使用，未显示在地图上：", "These rows cannot be used and are left out of the map:";
    StartupFailed => "无法打开社区文档", "Could not open the community document";
    OpenAnother => "打开其他文件…", "Open another file…";
    CreateDemo => "在新文件中创建演示社区…", "Create the demo community in a new file…";
    InternalError => "程序内部错误（数据文件未受影响），详情已记录在：", "Internal error (your data file is not affected); details were written to:";
    Cancel => "取消", "Cancel";
    Opening => "正在打开…", "Opening…";
    OpeningReading => "正在读取文件…", "Reading the file…";
    OpeningPreparing => "正在计算网格与地图…", "Preparing grids and map…";
    Exporting => "正在导出 PDF…", "Exporting PDF…";
    Exported => "已导出", "Exported";
    ExportLayingOut => "正在排版", "Laying out page";
    ExportTiling => "正在拼贴分页", "Cutting into sheets";
    ExportDrawing => "正在生成 PDF 页面", "Drawing PDF page";
    ExportSaving => "正在压缩并保存 PDF…", "Compressing the PDF…";
    ExportWriting => "正在写入文件…", "Writing the file…";
    PreviewUpdating => "正在更新预览…", "Updating the preview…";
    ExportNoGrids => "社区尚未划分网格，请先绘制网格", "The community has no grids yet: draw grids first";
    ExportAutoScaleIs => "自动", "Automatic";
    ExportScaleCutsOff => "⚠ 比例尺过大，社区超出图框；请选更小的比例尺或更大的纸张", "⚠ At this scale the community does not fit the map frame: choose a smaller scale or a larger paper";
    ExportPageN => "第 {n} 页", "Page {n}";
    ExportZoomIn => "放大预览", "Zoom in";
    ExportZoomOut => "缩小预览", "Zoom out";
    ExportZoomFit => "适合页面", "Fit page";
    ExportPrintOverlay => "楼栋着色", "Buildings by";
    SavedTo => "已保存到", "Saved to";
    OpenFolder => "打开所在文件夹", "Open folder";
    OpenFolderFailed => "无法打开文件夹，请手动前往", "Could not open the folder; go there yourself";
    NoFileDialog => "无法打开文件对话框，请输入路径", "No file dialog available: type the path";
    NoFileDialogHint => "系统未提供文件对话框 (Linux 需要 xdg-desktop-portal 或 zenity)。", "The system offers no file dialog (on Linux it needs xdg-desktop-portal or zenity).";
    PathOk => "确定", "OK";
    PathNoSuchFile => "文件不存在", "No such file";
    PathNoFolder => "文件夹不存在", "No such folder";
    UpgradedBackup => "文档已升级到新格式，原文件已备份为：", "The document was upgraded; the original was backed up as:";
    BuildingNumber => "楼号", "Number";
    BuildingName => "名称", "Name";
    NoneOption => "（无）", "(none)";
    EditGrid => "编辑", "Edit";
    GridEditor => "网格属性", "Grid";
    GridName => "网格名称", "Grid name";
    Colour => "颜色", "Colour";
    Unassigned => "未分配", "unassigned";
    RemoveFromGrid => "移出", "Remove";
    AddWorker => "添加网格员", "Add grid worker";
    SeveralLeaders => "此网格有多名网格长", "This grid has several grid leaders";
    CommunitySettingsMenu => "社区设置…", "Community settings…";
    CommunitySettings => "社区设置", "Community settings";
    CommunityName => "社区名称", "Community name";
    Subdistrict => "街道", "Subdistrict";
    CommunityCode => "社区编码", "Community code";
    GridResidentsMin => "网格人口下限", "Grid residents minimum";
    GridResidentsMax => "网格人口上限", "Grid residents maximum";
    TimeZone => "时区", "Time zone";
    Apply => "应用", "Apply";
    StaffEditor => "人员管理", "Staff";
    StaffMenu => "人员…", "Staff…";
    ManageStaff => "管理人员…", "Manage staff…";
    Search => "搜索", "Search";
    SearchName => "按姓名搜索", "Search by name";
    SearchBuildingCount => "{n} 栋楼", "{n} buildings";
    SearchHint => "搜索楼栋、小区、网格、人员… (拼音首字母亦可)", "Find a building, compound, grid, person… (pinyin too)";
    SearchNothing => "没有找到", "Nothing found";
    SearchButton => "搜索…", "Search…";
    FullScreen => "全屏", "Full screen";
    SelectStaff => "请在左侧选择一位人员", "Select a person on the left";
    Role => "岗位", "Role";
    Name => "姓名", "Name";
    Title => "职务", "Title";
    Duties => "职责", "Duties";
    DutiesHint => "留空则在监督台上印岗位标准职责", "Leave empty to print the role's standard duties on the board";
    CompoundsServed => "服务小区", "Compounds served";
    Shifts => "排班", "Shifts";
    ShiftDay => "日期", "Day";
    ShiftStart => "开始", "Start";
    ShiftEnd => "结束", "End";
    ShiftKind => "班次", "Kind";
    DayShift => "白班", "Day";
    EveningShift => "晚班（错时）", "Evening (staggered)";
    AddShift => "添加排班", "Add shift";
    Remove => "删除", "Remove";
    Photo => "照片", "Photo";
    NoPhoto => "无照片", "No photo";
    PhotoUnreadable => "照片无法显示", "Photo cannot be shown";
    ChoosePhoto => "选择照片…", "Choose photo…";
    RemovePhoto => "删除照片", "Remove photo";
    PhotoFailed => "无法使用照片", "Could not use the photo";
    AddStaff => "添加人员", "Add person";
    NewStaffName => "新人员", "New person";
    RemoveStaff => "删除人员…", "Remove person…";
    ConfirmRemoveStaff => "确定删除此人员及其排班吗？（可撤销）", "Remove this person and their shifts? (can be undone)";
    ConfirmRemove => "确定删除", "Remove";
    LogTitle => "变更记录", "Change log";
    LogMenu => "变更记录…", "Change log…";
    LogTotal => "共 {n} 条", "{n} entries";
    LogOperator => "操作人", "Operator";
    LogOperatorDefault => "默认：{name}", "Default: {name}";
    LogFrom => "从", "From";
    LogTo => "到", "to";
    LogDateHint => "如 2026-12-01", "e.g. 2026-12-01";
    LogBadDate => "日期应为 YYYY-MM-DD，例如 2026-12-01 (a date is YYYY-MM-DD)", "A date is YYYY-MM-DD, e.g. 2026-12-01";
    LogKind => "类别", "Kind";
    LogByOperator => "按操作人", "By operator";
    LogAllGrids => "全部网格", "All grids";
    LogAllKinds => "全部类别", "All kinds";
    LogAllOperators => "全部操作人", "All operators";
    LogClearFilters => "清除筛选", "Clear filters";
    LogTime => "时间", "Time";
    LogWhat => "对象", "What";
    LogField => "字段", "Field";
    LogChange => "原值 → 新值", "Old → new";
    LogRevert => "还原", "Revert";
    LogReverts => "还原第 {n} 条", "reverts #{n}";
    LogPrev => "上一页", "Previous";
    LogNext => "下一页", "Next";
    LogPage => "第 {n} / {m} 页", "Page {n} of {m}";
    LogEmpty => "没有符合条件的记录", "No entries match";
    LogStaffAdded => "新增人员", "Added staff";
    LogStaffRemoved => "删除人员", "Removed staff";
    LogShiftAdded => "新增排班", "Shift added";
    LogShiftRemoved => "删除排班", "Shift removed";
    LogPhoto => "照片", "Photo";
    LogCommunity => "社区", "Community";
    LogKindBuilding => "楼栋", "Building";
    LogKindRoad => "道路", "Road";
    LogKindOrganisation => "单位", "Organisation";
    LogKindTrack => "巡查轨迹", "Patrol track";
    LogKindPlan => "网格方案", "Grid plan";
    PatrolTitle => "巡查覆盖", "Patrol coverage";
    PatrolMenu => "巡查覆盖与热力图", "Patrol coverage and heatmap";
    PlanMenu => "网格方案", "Grid plans";
    PlanTitle => "网格方案", "Grid plans";
    PlanTabList => "方案列表", "Plans";
    PlanTabPropose => "生成方案", "Propose";
    PlanTabCompare => "方案对比", "Compare plans";
    PlanActive => "当前", "active";
    PlanGridCountN => "{n} 个网格", "{n} grids";
    PlanActivate => "启用", "Activate";
    PlanDuplicate => "复制", "Duplicate";
    PlanDelete => "删除", "Delete";
    PlanCompare => "对比", "Compare";
    PlanNewName => "新方案名称", "New plan name";
    PlanConfirmDelete => "确定删除方案“{n}”？", "Delete the plan “{n}”?";
    PlanConfirm => "确定", "OK";
    PlanTarget => "目标", "Target";
    PlanTargetResidents => "居民数范围", "Residents range";
    PlanTargetHouseholds => "户数范围", "Households range";
    PlanTargetFixed => "固定网格数", "Fixed grid count";
    PlanGridCount => "网格数", "Grid count";
    PlanFewest => "最少", "Fewest";
    PlanFixed => "固定", "Fixed";
    PlanCompounds => "小区", "Compounds";
    PlanStrict => "不拆分小区", "Keep compounds whole";
    PlanPrefer => "尽量不拆", "Avoid splitting";
    PlanIgnore => "不考虑", "Ignore";
    PlanSeed => "随机种子", "Seed";
    PlanLocked => "锁定网格", "Locked grids";
    PlanName => "方案名称", "Plan name";
    PlanDefaultName => "方案 {n}", "Plan {n}";
    PlanRun => "开始生成", "Run";
    PlanRunning => "正在生成方案…", "Proposing…";
    PlanResult => "方案结果", "Proposal";
    PlanCode => "编码", "Code";
    PlanGridName => "网格名称", "Grid name";
    PlanDeviation => "偏差", "Deviation";
    PlanCompactness => "紧凑度", "Polsby-Popper";
    PlanSplit => "拆分小区", "Split compounds";
    PlanStaffNeeded => "需配人员", "Staff needed";
    PlanSave => "保存为方案", "Save as plan";
    PlanSaveActivate => "保存并启用", "Save and activate";
    PlanSaved => "已保存方案", "Plan saved";
    PlanCopied => "已复制方案", "Plan copied";
    PlanDeleted => "已删除方案", "Plan deleted";
    PlanActivated => "已启用方案", "Plan activated";
    PlanStoredAs => "原网格已保存为方案", "The previous grids were stored as";
    PlanKept => "保留的网格", "Kept grids";
    PlanNeedStaff => "需配备人员的网格", "Grids that need staff";
    PlanFrom => "原网格", "From";
    PlanTo => "新网格", "To";
    PlanNoGridShort => "无网格", "no grid";
    PlanMoved => "{n} 栋楼调整网格", "{n} buildings change grid";
    PlanUnplanned => "{n} 栋楼不在任何网格内", "{n} buildings are in no grid";
    PlanNone => "无", "none";
    PlanBase => "原方案", "Base plan";
    PlanOther => "新方案", "Other plan";
    PatrolNoTracks => "还没有巡查轨迹：请从“文件 ▸ 导入巡查轨迹…”导入网格员手机或巡查终端记录的 GPX/CSV。", "No patrol tracks yet: import the GPX/CSV a grid worker's phone or terminal recorded (File ▸ Import patrol tracks…).";
    PatrolTracks => "条轨迹", "tracks";
    PatrolPoints => "个轨迹点", "points";
    PatrolWindow => "时间范围", "Time window";
    PatrolLastHalfDay => "最近半天", "Last half day";
    PatrolLastDay => "最近一天", "Last day";
    PatrolLastWeek => "最近一周", "Last week";
    PatrolLastMonth => "最近一个月", "Last month";
    PatrolCustom => "自定义日期", "Custom dates";
    PatrolFromTo => "从–到", "From–to";
    PatrolEveryone => "全部网格员", "All workers";
    PatrolAllGrids => "全部网格", "All grids";
    PatrolShowHeat => "显示热力图", "Show heatmap";
    PatrolRadius => "半径", "Radius";
    PatrolPixel => "像元", "Pixel";
    PatrolPeak => "峰值", "peak";
    PatrolComputing => "正在计算热力图…", "Computing the heatmap…";
    PatrolNoPoints => "所选时间和范围内没有轨迹点", "No patrol points in the chosen window and filters";
    PatrolDistance => "走访距离", "Visit distance";
    PatrolBlindAfter => "盲区：连续未访半天数", "Blind spot after half days";
    PatrolCompliance => "各网格达标情况（每半天走遍全部楼栋）", "Compliance per grid (every building visited each half day)";
    PatrolHalfDaysMet => "达标半天", "Half days met";
    PatrolBuildingsVisited => "走访楼栋", "Buildings visited";
    PatrolBlindSpots => "盲区楼栋", "Blind spots";
    PatrolNoBlindSpots => "没有盲区", "No blind spots";
    PatrolHeatLegend => "巡查密度", "Patrol density";
    PatrolHeatLow => "低", "low";
    PatrolHeatHigh => "高", "high";
    LogFieldNumber => "楼号", "Number";
    LogFieldName => "名称", "Name";
    LogFieldColour => "颜色", "Colour";
    LogFieldPersonName => "姓名", "Name";
    LogFieldRole => "岗位", "Role";
    LogFieldTitle => "职务", "Title";
    LogFieldDuties => "职责", "Duties";
    LogFieldSubdistrict => "所属街道", "Subdistrict";
    LogFieldCode => "编码", "Code";
    LogFieldResidentsMin => "网格人口下限", "Grid residents, minimum";
    LogFieldResidentsMax => "网格人口上限", "Grid residents, maximum";
    LogFieldTimeZone => "时区", "Time zone";
    LogFieldOutline => "边界", "Boundary";
    ChecksTitle => "检查", "Checks";
    ChecksRenumber => "重新编号…", "Renumber…";
    ChecksRenumberHint => "按自西北起、自北向南逐行、行内自西向东的顺序重排网格编码", "Codes in reading order: rows north→south, west→east within a row";
    ChecksApply => "应用", "Apply";
    ChecksSliver => "忽略小于", "Ignore pieces below";
    ChecksClean => "无重叠、无缝隙、无越界，所有楼栋都在网格内", "No overlaps, gaps or outside parts; every building is in a grid";
    ChecksOutside => "超出社区", "Outside the community";
    ChecksUnassigned => "不在任何网格内的楼栋", "Buildings in no grid";
    ChecksSplit => "被网格线切分的楼栋", "Buildings cut by a grid line";
    ChecksBalance => "人口均衡", "Balance";
    ChecksTarget => "每格目标居民", "Target residents per grid";
    ChecksDeviation => "偏差", "Deviation";
    ChecksStaff => "网格长+网格员", "Leader+workers";
    LogGridAdded => "新增网格", "Added grid";
    LogGridRemoved => "删除网格", "Removed grid";
    LogPolygonPoints => "边界（{n} 个顶点）", "Boundary ({n} vertices)";
    RecentFiles => "最近打开", "Open recent";
    RecentMissing => "（文件已不存在）", "(file no longer exists)";
    RecentRemoveMissing => "移除不存在的文件", "Remove missing files";
    RecentNone => "（无）", "(none)";
    DocumentFilter => "网格通文档 (*.sqlite, *.db)", "Wangge documents (*.sqlite, *.db)";
    AllFiles => "所有文件", "All files";
    ToolSelect => "选择", "Select";
    ToolDraw => "绘制网格", "Draw grid";
    ToolVertices => "编辑顶点", "Edit vertices";
    ToolSplit => "拆分", "Split";
    ToolMerge => "合并", "Merge";
    ToolReshape => "重塑", "Reshape";
    ToolSnapping => "吸附", "Snapping";
    ToolTracing => "追踪", "Tracing";
    ToolTakeFromOthers => "占用相邻网格", "Take from neighbours";
    ToolFreeAreaOnly => "仅填空白", "Free area only";
    ToolSelectHint => "点击网格或楼栋以选择", "Click a grid or building to select it";
    ToolSelectPicked => "已选择网格：按 Delete 删除网格（其范围成为空白）", "Grid selected: Delete removes it (its area becomes a gap)";
    ToolDrawStart => "点击放置新网格的第一个顶点", "Click to place the new grid's first vertex";
    ToolDrawMore => "继续点击放置顶点（Backspace 撤回一点，Esc 取消）", "Click more vertices (Backspace takes one back, Esc cancels)";
    ToolDrawClose => "继续点击，或按 Enter / 双击完成网格", "Click more, or press Enter / double-click to finish the grid";
    ToolVerticesHint => "拖动顶点移动，拖动边中点插入顶点，右键或 Delete 删除顶点", "Drag a vertex to move it, drag an edge midpoint to insert one, right-click or Delete removes one";
    ToolDragging => "松开鼠标完成移动（Esc 取消）", "Release to finish the move (Esc cancels)";
    ToolDragRefused => "此处不能放置", "Cannot place here";
    ToolSplitStart => "点击画一条穿过网格的拆分线", "Click to draw a line across a grid";
    ToolSplitFinish => "继续点击，或按 Enter / 双击拆分", "Click more, or press Enter / double-click to split";
    ToolMergeFirst => "点击要保留的网格", "Click the grid to keep";
    ToolMergeSecond => "点击要并入的相邻网格（Esc 取消）", "Click the adjacent grid to merge into it (Esc cancels)";
    ToolReshapeStart => "从网格边界上的一点开始画新边界", "Start the new boundary at a point on a grid's edge";
    ToolReshapeFinish => "在网格边界上结束，按 Enter / 双击完成", "End on the grid's edge, then press Enter / double-click";
    ToolNeedThree => "至少需要 3 个顶点 (at least 3 vertices are needed)", "At least 3 vertices are needed";
    ToolNeedTwo => "至少需要 2 个点 (at least 2 points are needed)", "At least 2 points are needed";
    ToolRemoveGrid => "删除网格", "Remove grid";
    ToolDrawGrid => "绘制网格", "Draw grid";
    ToolMoveVertex => "移动顶点", "Move vertex";
    ToolInsertVertex => "插入顶点", "Insert vertex";
    ToolRemoveVertex => "删除顶点", "Remove vertex";
    ToolSplitGrid => "拆分网格", "Split grid";
    ToolMergeGrids => "合并网格", "Merge grids";
    ToolReshapeGrid => "重塑网格", "Reshape grid";
    ToolLiveBalance => "实时人口", "Live balance";

    ImportLayerMenu => "导入图层…", "Import layer…";
    NewCommunityMenu => "新建社区…", "New community…";
    ImportTitle => "导入图层", "Import layer";
    TrackImportMenu => "导入巡查轨迹…", "Import patrol tracks…";
    TrackImportTitle => "导入巡查轨迹", "Import patrol tracks";
    TrackWorker => "网格员", "Grid worker";
    TrackPickWorker => "请选择人员", "Choose a staff member";
    TrackCrsLabel => "坐标系", "Coordinate system";
    TrackEncoding => "文本编码", "Text encoding";
    TrackReading => "正在读取…", "Reading…";
    TrackPickFile => "选择轨迹文件（GPX、CSV、Excel、GeoJSON）", "Choose a track file (GPX, CSV, Excel, GeoJSON)";
    TrackImportButton => "导入", "Import";
    TrackTracks => "条轨迹", "tracks";
    TrackPoints => "个轨迹点", "points";
    TrackWaypoints => "个航点", "waypoints";
    TrackRejected => "个点未导入", "rejected";
    TrackSpan => "时间", "Time span";
    ImportStepFile => "1 选择文件", "1 File";
    ImportStepMapping => "2 字段对应", "2 Field mapping";
    ImportStepCheck => "3 检查", "3 Check";
    ImportPath => "文件路径", "File path";
    Browse => "浏览…", "Browse…";
    ImportTarget => "导入到", "Import into";
    ImportSourceLayer => "文件中的图层", "Layer in the file";
    ImportEncoding => "文字编码", "Text encoding";
    EncodingAuto => "自动", "Automatic";
    ImportCrs => "坐标系", "Coordinate system";
    CrsDeclared => "文件声明", "As the file declares";
    CrsGk3 => "CGCS2000 3° 高斯-克吕格", "CGCS2000 3° Gauss-Krüger";
    CrsCentralMeridian => "中央经线", "Central meridian";
    CrsUtm => "UTM 投影", "UTM";
    CrsUtmZone => "带号", "Zone";
    CrsNorth => "北半球", "Northern hemisphere";
    CrsGcj02 => "GCJ-02（高德/腾讯）", "GCJ-02 (Amap/Tencent)";
    ImportRead => "读取文件", "Read file";
    ImportReading => "正在读取", "Reading";
    ImportChecking => "正在检查", "Checking";
    ImportNext => "下一步", "Next";
    ImportBack => "上一步", "Back";
    ImportNoPath => "请先选择文件 (choose a file first)", "Choose a file first";
    ImportPreview => "预览（前 20 个要素）", "Preview (first 20 features)";
    ImportFeatureCount => "共 {n} 个要素", "{n} features";
    ImportColumns => "字段对应：每个字段取自文件中的哪一列", "Field mapping: which column of the file fills each field";
    NotImported => "（不导入）", "(not imported)";
    ImportCountOk => "无问题", "Without problems";
    ImportCountRepairable => "可修复", "Repairable";
    ImportCountBroken => "无法修复", "Not repairable";
    ImportCountNull => "空几何", "Null geometries";
    ImportCountUnreadable => "无法读取", "Unreadable";
    ImportFeatureNo => "要素", "Feature";
    ImportFeatureName => "名称", "Name";
    ImportReason => "问题", "Problem";
    ImportRepair => "修复方法", "Repair";
    ImportNoProblems => "所有要素都没有问题", "No feature has a problem";
    ImportSkip => "跳过有问题的要素", "Skip features with problems";
    ImportRepairable => "修复可修复的（其余跳过）", "Repair what can be repaired (skip the rest)";
    ImportReplace => "替换现有楼栋", "Replace the existing buildings";
    ImportDo => "导入", "Import";
    ImportDone => "已导入 {n} 个要素", "{n} features imported";
    ImportSkipped => "跳过", "Skipped";
    ImportRepaired => "修复", "Repaired";
    ImportFailed => "无法导入", "Cannot import";
    NewCommunityTitle => "新建社区", "New community";
    NewCommunityName => "社区名称", "Community name";
    NewCommunityCode => "社区代码", "Community code";
    NewCommunitySubdistrict => "所属街道", "Subdistrict";
    NewCommunityBoundary => "社区边界文件（必填）", "Boundary file (required)";
    NewCommunityBuildings => "楼栋文件", "Buildings file";
    NewCommunityCompounds => "小区文件", "Compounds file";
    NewCommunityRoads => "道路文件", "Roads file";
    NewCommunityOrganisations => "单位文件", "Organisations file";
    NewCommunityOnInvalid => "有问题的要素", "Features with problems";
    OnInvalidFail => "拒绝导入", "Refuse the import";
    NewCommunityOut => "保存为", "Save as";
    NewCommunityCreate => "创建", "Create";
    NewCommunityCreating => "正在创建", "Creating";
    NewCommunityNeedName => "请填写社区名称 (the community needs a name)", "The community needs a name";
    NewCommunityNeedBoundary => "请选择社区边界文件 (choose the boundary file)", "Choose the boundary file";
    NewCommunityNeedOut => "请选择保存位置 (choose where to save)", "Choose where to save";
    NewCommunityCreated => "已创建社区", "Community created";
    VectorFilter => "矢量数据", "Vector data";
    LayerBoundary => "社区边界", "Community boundary";
    LayerBuildings => "楼栋", "Buildings";
    LayerCompounds => "小区", "Compounds";
    LayerRoads => "道路", "Roads";
    LayerOrganisations => "单位", "Organisations";
    TipNoGrid => "不在任何网格内", "in no grid";
    NoGridsHint => "尚未划分网格 — 用工具栏的「绘制网格」(D) 画出第一个网格，或导入网格", "Not divided into grids yet: draw the first grid with “Draw grid” (D) in the tool bar, or import grids";
    DemoBadge => " 示例数据 ", " Sample data ";
    DemoNewOwn => "新建自己的社区…", "Create your community…";
    DemoOpenOwn => "打开社区文件…", "Open a community file…";
    DemoBadgeHint => "这是演示用的虚构社区；新建或打开您自己的社区文档", "This is a made-up community for trying things out; create or open your own community";
    // Staff badges (工作牌): the print product, its options and the card texts.
    ProductBadges => "工作牌", "Staff badges";
    PrintStaffBadges => "工作牌", " staff badges";
    BadgeTitle => "工作牌", "STAFF BADGE";
    BadgeSizeCard => "卡片 85.6×54 毫米", "Card 85.6 × 54 mm";
    BadgeSizeHanging => "挂牌 90×120 毫米", "Hanging badge 90 × 120 mm";
    BadgeQr => "二维码（电话名片）", "QR code (phone contact)";
    BadgeBack => "背面（双面打印）", "Back side (duplex)";
    BadgePhoto => "照片", "Photo";
    BadgeGrid => "网格：", "Grid: ";
    BadgeCompounds => "包保小区：", "Compounds: ";
    BadgeDuties => "工作职责", "Duties";
    BadgeFront => "正面", "front";
    BadgeBackSide => "背面（长边翻转双面打印）", "back (duplex, flip on long edge)";
    BadgeCutHint => "沿裁切线裁下", "cut along the crop marks";
    BadgeLeaderDuties => "统筹社区网格化服务管理工作，督导网格长、网格员履职，协调解决网格上报的问题。", "Leads the community's grid service work, supervises grid leaders and workers, and resolves the problems the grids escalate.";
    BadgeLiaisonDuties => "联系包保小区，配合网格员做好治安、城市管理、矛盾纠纷调解等工作，及时处置网格上报的问题。", "Serves the compounds assigned, works with the grid workers on public order, urban management and mediation, and handles the cases the grids pass on.";
}

/// A staff title as printed: the standard titles (free text in the data, 党委书记, 居委会主任 …) in
/// `lang`; any other title as written.
pub fn staff_title(lang: Lang, title: &str) -> String {
    let t = title.trim();
    let t = t.strip_prefix("社区").unwrap_or(t);
    [
        T::TitlePartySecretary,
        T::TitlePartyDeputySecretary,
        T::TitleCommitteeDirector,
        T::TitleCommitteeDeputyDirector,
        T::TitleCommitteeMember,
        T::TitleFullTimeWorker,
        T::TitleCommunityPolice,
        T::TitleUrbanManagement,
        T::TitleMediator,
    ]
    .into_iter()
    .find(|k| k.zh() == t || k.en().eq_ignore_ascii_case(t))
    .map_or_else(|| title.trim().to_string(), |k| lang.tr(k).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_exists_in_both_languages() {
        for &t in T::ALL {
            assert!(!t.zh().is_empty() && !t.en().is_empty(), "{t:?}");
            assert!(t.zh().chars().any(|ch| ch as u32 > 0x2E80) || t.zh() == t.en(), "{t:?} zh is not Chinese");
        }
    }
}
