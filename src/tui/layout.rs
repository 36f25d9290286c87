//! Where each part of the screen goes. Shared by drawing and by mouse handling, so a click
//! lands on the row that was drawn there.

use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// Action filters with counts.
    pub tabs: Rect,
    /// Column titles of the list.
    pub header: Rect,
    pub list: Rect,
    /// Prompt or message line.
    pub message: Rect,
    /// Store path, counts, last import.
    pub status: Rect,
    /// Key hints of the current view.
    pub hints: Rect,
}

impl Areas {
    pub fn new(width: u16, height: u16) -> Areas {
        let line = |y: u16, h: u16| Rect {
            x: 0,
            y,
            width,
            height: h,
        };
        let height = height.max(6);
        Areas {
            tabs: line(0, 1),
            header: line(1, 1),
            list: line(2, height - 5),
            message: line(height - 3, 1),
            status: line(height - 2, 1),
            hints: line(height - 1, 1),
        }
    }

    pub fn list_rows(&self) -> u16 {
        self.list.height
    }

    /// The body under the tabs: the list with its header, or the detail pane.
    pub fn body(&self) -> Rect {
        Rect {
            height: self.list.height + 1,
            ..self.header
        }
    }

    /// The list row (0-based, from the top of the window) at a screen position.
    pub fn row_at(&self, column: u16, row: u16) -> Option<u16> {
        let inside =
            column < self.list.width && row >= self.list.y && row < self.list.y + self.list.height;
        inside.then(|| row - self.list.y)
    }
}
