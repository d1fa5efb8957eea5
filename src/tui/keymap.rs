//! One table of keys per pane: the key handler looks keys up in it and the
//! `?` help is generated from it, so the help can never drift from what the
//! keys do.
//!
//! A pane declares `const KEYS: Keymap<Cmd> = Keymap::new(&[...])` with its
//! own `Cmd` enum, dispatches with [`Keymap::lookup`], and returns
//! [`Keymap::help`] from `Pane::keys`. Keys not in the table are not the
//! pane's: they go back to the app, which only acts on its own global table.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

/// One key with its modifiers, as written in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    /// A character key. Shift is implied by the character itself
    /// (`Key::ch('G')` matches shift-g).
    pub const fn ch(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::NONE,
        }
    }

    pub const fn code(code: KeyCode) -> Key {
        Key {
            code,
            mods: KeyModifiers::NONE,
        }
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
        }
    }

    pub const fn alt(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            mods: KeyModifiers::ALT,
        }
    }

    /// Does a key press match? Shift is ignored for characters (terminals
    /// disagree on reporting it); control and alt must match exactly.
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let strict = KeyModifiers::CONTROL | KeyModifiers::ALT;
        let mods = ev.modifiers & strict;
        let code_eq = match (self.code, ev.code) {
            // BackTab arrives as shift-tab on some terminals.
            (KeyCode::BackTab, KeyCode::Tab) => ev.modifiers.contains(KeyModifiers::SHIFT),
            (KeyCode::Tab, KeyCode::Tab) => !ev.modifiers.contains(KeyModifiers::SHIFT),
            (a, b) => a == b,
        };
        code_eq && mods == (self.mods & strict)
    }

    /// The key press this key stands for (tests drive panes with it).
    pub fn event(&self) -> KeyEvent {
        KeyEvent {
            code: self.code,
            modifiers: self.mods,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }
}

/// The digit keys 1 to 9 (open link n, and the like), for one table row.
pub const DIGITS: &[Key] = &[
    Key::ch('1'),
    Key::ch('2'),
    Key::ch('3'),
    Key::ch('4'),
    Key::ch('5'),
    Key::ch('6'),
    Key::ch('7'),
    Key::ch('8'),
    Key::ch('9'),
];

/// alt-1 to alt-9: open link n (the plain digits switch tabs).
pub const ALT_DIGITS: &[Key] = &[
    Key::alt('1'),
    Key::alt('2'),
    Key::alt('3'),
    Key::alt('4'),
    Key::alt('5'),
    Key::alt('6'),
    Key::alt('7'),
    Key::alt('8'),
    Key::alt('9'),
];

/// A row of the table: the keys, how the help shows them, what they do.
pub struct Binding<C: 'static> {
    pub keys: &'static [Key],
    pub shown: &'static str,
    pub help: &'static str,
    pub cmd: C,
}

/// A row of help, with the keys it stands for (for tests and the overlay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHelp {
    pub keys: &'static [Key],
    pub shown: &'static str,
    pub help: &'static str,
}

/// A pane's (or the app's) key table.
pub struct Keymap<C: 'static> {
    bindings: &'static [Binding<C>],
}

impl<C: Copy> Keymap<C> {
    pub const fn new(bindings: &'static [Binding<C>]) -> Self {
        Keymap { bindings }
    }

    /// The command bound to a key press, if the table has one.
    pub fn lookup(&self, ev: &KeyEvent) -> Option<C> {
        self.bindings
            .iter()
            .find(|b| b.keys.iter().any(|k| k.matches(ev)))
            .map(|b| b.cmd)
    }

    /// The help rows, in table order.
    pub fn help(&self) -> Vec<KeyHelp> {
        self.bindings
            .iter()
            .map(|b| KeyHelp {
                keys: b.keys,
                shown: b.shown,
                help: b.help,
            })
            .collect()
    }
}

/// Shorthand for a table row.
pub const fn bind<C>(
    keys: &'static [Key],
    shown: &'static str,
    help: &'static str,
    cmd: C,
) -> Binding<C> {
    Binding {
        keys,
        shown,
        help,
        cmd,
    }
}

/// Every key a test should try against a pane: printable ASCII and the
/// named keys, unmodified, and alt with a digit (links).
pub fn probe_keys() -> Vec<KeyEvent> {
    let mut keys: Vec<KeyEvent> = (0x21u8..0x7f).map(|b| Key::ch(b as char).event()).collect();
    keys.push(Key::ch(' ').event());
    keys.extend(ALT_DIGITS.iter().map(Key::event));
    for code in [
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Insert,
    ] {
        keys.push(Key::code(code).event());
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Cmd {
        Run,
        Top,
        Quit,
    }

    const KEYS: Keymap<Cmd> = Keymap::new(&[
        bind(
            &[Key::ch('r'), Key::code(KeyCode::Enter)],
            "r / enter",
            "run",
            Cmd::Run,
        ),
        bind(&[Key::ch('G')], "G", "to the top", Cmd::Top),
        bind(&[Key::ctrl('c')], "ctrl-c", "quit", Cmd::Quit),
    ]);

    #[test]
    fn lookup_follows_the_table() {
        assert_eq!(KEYS.lookup(&Key::ch('r').event()), Some(Cmd::Run));
        assert_eq!(
            KEYS.lookup(&Key::code(KeyCode::Enter).event()),
            Some(Cmd::Run)
        );
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(KEYS.lookup(&shift_g), Some(Cmd::Top));
        assert_eq!(KEYS.lookup(&Key::ch('c').event()), None, "c is not ctrl-c");
        assert_eq!(KEYS.lookup(&Key::ctrl('c').event()), Some(Cmd::Quit));
        assert_eq!(
            KEYS.lookup(&Key::ctrl('r').event()),
            None,
            "ctrl-r is not r"
        );
    }

    #[test]
    fn help_is_the_table() {
        let h = KEYS.help();
        assert_eq!(h.len(), 3);
        assert_eq!(h[0].shown, "r / enter");
        assert_eq!(h[2].keys, &[Key::ctrl('c')]);
    }
}
