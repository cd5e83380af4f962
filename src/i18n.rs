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
    Totals => "社区概况", "Community";
    OpenFailed => "无法打开文件", "Could not open the file";
    SaveFailed => "无法保存文件", "Could not save the file";
    BasemapFailed => "无法打开底图", "Could not open the basemap";
    Attribution => "底图", "Basemap";
    People => "人", "people";
    Topology => "网格拓扑", "Grid topology";
    TopologyClean => "无缝隙、无重叠", "no gaps, no overlaps";
    TopologyGap => "存在缝隙", "gaps";
    TopologyOverlap => "存在重叠", "overlaps";
    Phone => "电话", "Phone";
    Hotline => "监督电话", "Supervision hotline";
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
    UpgradedBackup => "文档已升级到新格式，原文件已备份为：", "The document was upgraded; the original was backed up as:";
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
