//! Undo and redo for the session (rerun's model: a list of steps and a cursor). The document applies
//! the steps; the history only remembers them.

use super::Edit;

#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<(Edit, String)>,
    redo: Vec<(Edit, String)>,
}

/// Most steps remembered; older ones can still be reverted from the change log.
const MAX_STEPS: usize = 500;

impl History {
    /// Records a step that was applied; a new step clears what could be redone.
    pub fn push(&mut self, edit: Edit, label: String) {
        self.redo.clear();
        self.undo.push((edit, label));
        if self.undo.len() > MAX_STEPS {
            self.undo.remove(0);
        }
    }

    /// Like `push`, but a step changing exactly the same fields of the same row as the last one is
    /// merged into it (QGIS `mergeWith`): dragging a slider is one undo step.
    pub fn push_merging(&mut self, edit: Edit, label: String) {
        if let (Some((Edit::Set(last), _)), Edit::Set(new)) = (self.undo.last_mut(), &edit)
            && last.len() == new.len()
            && last.iter().zip(new).all(|(a, b)| a.field == b.field && a.id == b.id && a.new == b.old)
        {
            for (a, b) in last.iter_mut().zip(new) {
                a.new = b.new.clone();
            }
            self.redo.clear();
            return;
        }
        self.push(edit, label);
    }

    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|(_, l)| l.as_str())
    }

    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|(_, l)| l.as_str())
    }

    /// The step to undo (its inverse is what to apply).
    pub(crate) fn take_undo(&mut self) -> Option<(Edit, String)> {
        self.undo.pop()
    }

    pub(crate) fn done_undo(&mut self, step: (Edit, String)) {
        self.redo.push(step);
    }

    pub(crate) fn take_redo(&mut self) -> Option<(Edit, String)> {
        self.redo.pop()
    }

    pub(crate) fn done_redo(&mut self, step: (Edit, String)) {
        self.undo.push(step);
    }

    /// Puts a step back where it was taken from when applying it failed.
    pub(crate) fn restore_undo(&mut self, step: (Edit, String)) {
        self.undo.push(step);
    }

    pub(crate) fn restore_redo(&mut self, step: (Edit, String)) {
        self.redo.push(step);
    }
}
