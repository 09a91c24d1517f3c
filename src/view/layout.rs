//! Where things go at a given terminal size. Pure numbers; the UI turns them into rectangles,
//! and the view model cuts its series to the same widths.

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum DetailPlacement {
    Below,
    Right,
    Hidden,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DashboardLayout {
    pub width: u16,
    pub height: u16,
    pub header_rows: u16,
    pub footer_rows: u16,
    /// Outer size of the route table (with its border).
    pub table_width: u16,
    pub table_height: u16,
    /// Data rows the table can show.
    pub table_rows: usize,
    pub detail: DetailPlacement,
    pub detail_width: u16,
    pub detail_height: u16,
    /// Width of the route column and of the trend sparkline.
    pub route_col: u16,
    pub trend_col: u16,
}

/// Fixed columns: source tag, req/s, 4xx, 5xx, 429.
pub const SRC_COL: u16 = 3;
pub const RATE_COL: u16 = 7;
pub const RATIO_COL: u16 = 6;

impl DashboardLayout {
    pub fn for_size(width: u16, height: u16) -> Self {
        Self::for_size_with(width, height, false)
    }

    /// With `runbook_open` in a small terminal, the bottom pane (the runbook) gets more room.
    pub fn for_size_with(width: u16, height: u16, runbook_open: bool) -> Self {
        let header_rows = 2;
        let footer_rows = 1;
        let body = height.saturating_sub(header_rows + footer_rows);
        let (detail, table_width, table_height, detail_width, detail_height) = if width >= 130 {
            let tw = width * 3 / 5;
            (DetailPlacement::Right, tw, body, width - tw, body)
        } else if body >= 14 {
            let dh = if runbook_open {
                (body * 3 / 5).clamp(7, 30)
            } else {
                (body * 2 / 5).clamp(7, 12)
            };
            (DetailPlacement::Below, width, body - dh, width, dh)
        } else {
            (DetailPlacement::Hidden, width, body, 0, 0)
        };
        // Inside the border: 2 columns; between 7 columns: 6 spaces; plus the selection marker.
        let inner = table_width.saturating_sub(2 + 6 + 2);
        let fixed = SRC_COL + RATE_COL + 3 * RATIO_COL;
        let flexible = inner.saturating_sub(fixed);
        let trend_col = (flexible / 3).clamp(6, 40).min(flexible);
        let route_col = flexible.saturating_sub(trend_col);
        DashboardLayout {
            width,
            height,
            header_rows,
            footer_rows,
            table_width,
            table_height,
            // Border top and bottom, and the column header row.
            table_rows: table_height.saturating_sub(3) as usize,
            detail,
            detail_width,
            detail_height,
            route_col,
            trend_col,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_pane_stacks_the_detail_below() {
        let l = DashboardLayout::for_size(80, 24);
        assert_eq!(l.detail, DetailPlacement::Below);
        assert!(l.table_rows >= 8, "{l:?}");
        assert!(l.route_col >= 24, "{l:?}");
        assert!(l.trend_col >= 6);
        assert_eq!(
            l.header_rows + l.footer_rows + l.table_height + l.detail_height,
            24
        );
    }

    #[test]
    fn wide_screen_puts_detail_right_and_tiny_hides_it() {
        assert_eq!(
            DashboardLayout::for_size(160, 48).detail,
            DetailPlacement::Right
        );
        assert_eq!(
            DashboardLayout::for_size(60, 12).detail,
            DetailPlacement::Hidden
        );
        let l = DashboardLayout::for_size(10, 3);
        assert_eq!(l.table_rows, 0);
    }
}
