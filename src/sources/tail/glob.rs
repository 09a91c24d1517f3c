//! What a tail pattern names: one path, or a glob expanded against the directory tree.
//!
//! Globs support `*`, `?` and bracket classes (`[abc]`, `[a-z]`, `[!abc]`) in any path
//! component; `**` is refused rather than half-supported. As in a shell, a wildcard does not
//! match a leading `.`, and only regular files (after following symlinks) are matched. Names
//! ending in a compression suffix are left out of glob results, because rotated and compressed
//! logs (`access.log.2.gz`) would otherwise be read as fresh files full of binary noise.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

const COMPRESSED_SUFFIXES: &[&str] = &[".gz", ".bz2", ".xz", ".zst", ".lz4", ".zip", ".br"];

/// A parsed tail pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// One file, followed by name.
    Path(PathBuf),
    Glob(Glob),
}

/// A glob split into its wildcard-free root and the components below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Glob {
    root: PathBuf,
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(Vec<u8>),
    Wild(Vec<u8>),
}

/// What one expansion found: the files, and every directory worth watching for changes.
#[derive(Debug, Default)]
pub(crate) struct Expansion {
    pub files: Vec<PathBuf>,
    pub dirs: Vec<PathBuf>,
}

impl Pattern {
    pub(crate) fn parse(pattern: &str) -> io::Result<Pattern> {
        if pattern.is_empty() {
            return Err(invalid("empty log path"));
        }
        let path = Path::new(pattern);
        let mut root = PathBuf::new();
        let mut parts = Vec::new();
        for component in path.components() {
            let bytes = component.as_os_str().as_bytes();
            let wild = matches!(component, Component::Normal(_)) && has_wildcard(bytes);
            if wild && bytes.windows(2).any(|w| w == b"**") {
                return Err(invalid(
                    "`**` is not supported in log globs; name each level with `*`",
                ));
            }
            if wild {
                check_brackets(bytes)?;
                parts.push(Part::Wild(bytes.to_vec()));
            } else if parts.is_empty() {
                root.push(component.as_os_str());
            } else {
                parts.push(Part::Literal(bytes.to_vec()));
            }
        }
        if parts.is_empty() {
            return Ok(Pattern::Path(path.to_path_buf()));
        }
        if root.as_os_str().is_empty() {
            root.push(".");
        }
        Ok(Pattern::Glob(Glob { root, parts }))
    }
}

impl Glob {
    /// Walks the tree below the root. Unreadable or missing directories simply contribute
    /// nothing: the next expansion tries again.
    pub(crate) fn expand(&self) -> Expansion {
        let mut out = Expansion::default();
        let mut level = vec![self.root.clone()];
        for (depth, part) in self.parts.iter().enumerate() {
            let last = depth + 1 == self.parts.len();
            let mut next = Vec::new();
            for dir in &level {
                out.dirs.push(dir.clone());
                match part {
                    Part::Literal(name) => next.push(dir.join(OsStr::from_bytes(name))),
                    Part::Wild(glob) => {
                        let Ok(entries) = fs::read_dir(dir) else {
                            continue;
                        };
                        for entry in entries.flatten() {
                            let name = entry.file_name();
                            if wildcard_match(glob, name.as_bytes()) {
                                next.push(dir.join(name));
                            }
                        }
                    }
                }
            }
            next.retain(|p| {
                let meta = fs::metadata(p);
                if last {
                    meta.map(|m| m.is_file()).unwrap_or(false) && !is_compressed(p)
                } else {
                    meta.map(|m| m.is_dir()).unwrap_or(false)
                }
            });
            next.sort();
            level = next;
        }
        out.files = level;
        out
    }
}

fn is_compressed(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.as_bytes()).unwrap_or_default();
    COMPRESSED_SUFFIXES
        .iter()
        .any(|suffix| name.ends_with(suffix.as_bytes()))
}

fn has_wildcard(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| matches!(b, b'*' | b'?' | b'['))
}

fn check_brackets(bytes: &[u8]) -> io::Result<()> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'[' {
            match class_end(bytes, i) {
                Some(end) => i = end,
                None => return Err(invalid("unclosed `[` in log glob")),
            }
        }
        i += 1;
    }
    Ok(())
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg.to_string())
}

/// Index of the `]` closing the class that opens at `open`. A `]` right after `[` or `[!` is
/// a member, not the end, as in POSIX.
fn class_end(glob: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    if matches!(glob.get(i), Some(b'!' | b'^')) {
        i += 1;
    }
    if glob.get(i) == Some(&b']') {
        i += 1;
    }
    while i < glob.len() {
        if glob[i] == b']' {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether `byte` is in the class `glob[open..=end]`.
fn class_contains(glob: &[u8], open: usize, end: usize, byte: u8) -> bool {
    let mut i = open + 1;
    let negated = matches!(glob.get(i), Some(b'!' | b'^'));
    if negated {
        i += 1;
    }
    let mut found = false;
    while i < end {
        let lo = glob[i];
        if i + 2 < end && glob[i + 1] == b'-' {
            let hi = glob[i + 2];
            found |= lo <= byte && byte <= hi;
            i += 3;
        } else {
            found |= lo == byte;
            i += 1;
        }
    }
    found != negated
}

/// Shell-style matching of one path component. `*` backtracks to the last star only, which
/// keeps the match linear-ish and never recursive.
pub(crate) fn wildcard_match(glob: &[u8], name: &[u8]) -> bool {
    if name.first() == Some(&b'.') && glob.first() != Some(&b'.') {
        return false;
    }
    let (mut g, mut n) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let step = match glob.get(g) {
            Some(b'*') => {
                star = Some((g, n));
                g += 1;
                continue;
            }
            Some(b'?') => Some(g + 1),
            Some(b'[') => match class_end(glob, g) {
                Some(end) if class_contains(glob, g, end, name[n]) => Some(end + 1),
                Some(_) => None,
                None => (name[n] == b'[').then_some(g + 1),
            },
            Some(&c) => (c == name[n]).then_some(g + 1),
            None => None,
        };
        match (step, star) {
            (Some(next), _) => {
                g = next;
                n += 1;
            }
            (None, Some((star_g, star_n))) => {
                g = star_g + 1;
                n = star_n + 1;
                star = Some((star_g, star_n + 1));
            }
            (None, None) => return false,
        }
    }
    glob[g..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("*.log", "access.log", true),
            ("*.log", "access.log.1", false),
            ("access.log*", "access.log.1", true),
            ("access.log*", "access.log", true),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("[ab]x", "bx", true),
            ("[ab]x", "cx", false),
            ("[!ab]x", "cx", true),
            ("[!ab]x", "ax", false),
            ("[a-c]1", "b1", true),
            ("[a-c]1", "d1", false),
            ("[]]", "]", true),
            ("*", ".hidden", false),
            (".*", ".hidden", true),
            ("*a*b*c", "xxaybzzc", true),
            ("*a*b*c", "xxaybzz", false),
            ("", "", true),
            ("**x", "abx", true),
        ];
        for &(glob, name, want) in cases {
            assert_eq!(
                wildcard_match(glob.as_bytes(), name.as_bytes()),
                want,
                "{glob} vs {name}"
            );
        }
    }

    #[test]
    fn parse_table() {
        assert_eq!(
            Pattern::parse("/var/log/nginx/access.log").ok(),
            Some(Pattern::Path(PathBuf::from("/var/log/nginx/access.log")))
        );
        let Ok(Pattern::Glob(glob)) = Pattern::parse("/var/log/*/access.log") else {
            panic!("expected a glob");
        };
        assert_eq!(glob.root, PathBuf::from("/var/log"));
        assert_eq!(glob.parts.len(), 2);
        let Ok(Pattern::Glob(rel)) = Pattern::parse("*.log") else {
            panic!("expected a glob");
        };
        assert_eq!(rel.root, PathBuf::from("."));
        assert!(Pattern::parse("/var/log/**/x.log").is_err());
        assert!(Pattern::parse("/var/log/[ab.log").is_err());
        assert!(Pattern::parse("").is_err());
    }

    #[test]
    fn expand_finds_files_and_skips_compressed_and_dirs() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        for name in ["a.log", "b.log", "c.log.gz", "notes.txt"] {
            fs::write(dir.path().join(name), b"x\n")?;
        }
        fs::create_dir(dir.path().join("d.log"))?;
        fs::create_dir(dir.path().join("sub"))?;
        fs::write(dir.path().join("sub").join("e.log"), b"x\n")?;
        let pattern = format!("{}/*.log", dir.path().display());
        let Pattern::Glob(glob) = Pattern::parse(&pattern)? else {
            panic!("expected a glob");
        };
        let found = glob.expand();
        let names: Vec<_> = found
            .files
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        assert_eq!(names, ["a.log", "b.log"]);
        assert_eq!(found.dirs, [dir.path().to_path_buf()]);

        let nested = format!("{}/*/e.log", dir.path().display());
        let Pattern::Glob(glob) = Pattern::parse(&nested)? else {
            panic!("expected a glob");
        };
        let found = glob.expand();
        assert_eq!(found.files, [dir.path().join("sub").join("e.log")]);
        assert!(found.dirs.contains(&dir.path().join("sub")));
        Ok(())
    }
}
