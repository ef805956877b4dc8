//! Outputs that cannot destroy anything.
//!
//! - A regular file is written under a temporary name in its own folder, synced and renamed into
//!   place, so a failed or killed run never leaves a half-written file and the previous file stays
//!   intact. A symbolic link to a file is followed (the link stays, its target is replaced).
//! - A character device (`/dev/null`, a terminal), a FIFO and the descriptor paths
//!   (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`) are written through, never renamed over;
//!   `-` is standard output. Block devices, sockets, folders and dangling links are refused.
//! - An output that is one of the run's inputs (same device and inode, whatever the name) is
//!   refused: [`note_input`] records inputs, [`refuse_if_input`] checks, and every writer here
//!   checks against what was noted.
//! - Temporaries are registered: [`remove_temporaries_on_signal`] removes them on Ctrl-C, SIGTERM
//!   and SIGHUP; those a SIGKILL leaves behind are recognised by their names and removed by the
//!   next run that writes the same output (when the process that made them is gone).
//!
//! A whole folder of outputs is published at once by [`AtomicDir`].

mod dir;

pub use dir::{AtomicDir, check_output_folder};

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// What an output path names, once symbolic links are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `-`: standard output.
    Stdout,
    /// A regular file (or nothing yet) at this path, replaced atomically.
    File(PathBuf),
    /// A character device, a FIFO or a descriptor path: opened and written, never replaced.
    WriteThrough(PathBuf),
}

/// Classifies an output path, refusing what iapz must not write to (folders, block devices,
/// sockets, dangling symbolic links, a missing folder).
///
/// ```
/// use iapz::io::atomic::{output_target, Target};
/// use std::path::Path;
/// assert_eq!(output_target(Path::new("-")).unwrap(), Target::Stdout);
/// assert!(matches!(output_target(Path::new("/dev/null")).unwrap(), Target::WriteThrough(_)));
/// assert!(output_target(Path::new("/")).is_err());
/// ```
pub fn output_target(path: &Path) -> Result<Target> {
    if path.as_os_str() == "-" {
        return Ok(Target::Stdout);
    }
    if is_descriptor_path(path) {
        return Ok(Target::WriteThrough(path.to_path_buf()));
    }
    let shown = path.display().to_string();
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m.file_type().is_symlink(),
        // a missing file, or a path through a file (`in.geojson/out.geojson`): its folder is
        // what is missing
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            return new_file(path).map(Target::File);
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if link && e.kind() == std::io::ErrorKind::NotFound => {
            return Err(dangling_link(path, "-o FILE"));
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    let kind = meta.file_type();
    if kind.is_file() {
        let resolved = if link {
            std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?
        } else {
            path.to_path_buf()
        };
        return Ok(Target::File(resolved));
    }
    if kind.is_dir() {
        return Err(Error::input(shown, "", "is a folder, not a file")
            .with_hint("give the output a file name (-o FOLDER/NAME)"));
    }
    if write_through_kind(&meta) {
        return Ok(Target::WriteThrough(path.to_path_buf()));
    }
    Err(Error::input(
        shown,
        "",
        format!(
            "is a {}; iapz writes only regular files, character devices and FIFOs",
            special_kind(&meta)
        ),
    )
    .with_hint("write to a file (-o FILE) or to standard output (-o -)"))
}

/// A path that does not exist yet: its folder must.
fn new_file(path: &Path) -> Result<PathBuf> {
    let folder = parent_of(path);
    if folder.is_dir() {
        return Ok(path.to_path_buf());
    }
    Err(Error::input(
        path.display().to_string(),
        "",
        format!(
            "cannot write the output: {} is not an existing folder",
            folder.display()
        ),
    )
    .with_hint("create the folder first, or write to another path (-o FILE)"))
}

/// The refusal of a symbolic link whose target does not exist (as GNU `cp` does: a dangling
/// link is more often a mistake than a request to create its target).
pub(crate) fn dangling_link(path: &Path, option: &str) -> Error {
    let to = std::fs::read_link(path)
        .map(|t| t.display().to_string())
        .unwrap_or_else(|_| "?".into());
    Error::input(
        path.display().to_string(),
        "",
        format!("is a symbolic link to {to}, which does not exist"),
    )
    .with_hint(format!(
        "create {to} first, remove the link, or choose another path ({option})"
    ))
}

/// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`, `/proc/PID/fd/N`: the user means
/// an open descriptor, whatever it is (a pipe, a terminal, or a file the shell opened).
fn is_descriptor_path(path: &Path) -> bool {
    let s = path.to_string_lossy();
    s == "/dev/stdout"
        || s == "/dev/stderr"
        || s.starts_with("/dev/fd/")
        || (s.starts_with("/proc/") && s.contains("/fd/"))
}

#[cfg(unix)]
fn write_through_kind(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    t.is_char_device() || t.is_fifo()
}

#[cfg(not(unix))]
fn write_through_kind(_meta: &std::fs::Metadata) -> bool {
    false
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    match () {
        _ if t.is_block_device() => "block device",
        _ if t.is_socket() => "socket",
        _ if t.is_char_device() => "character device",
        _ if t.is_fifo() => "FIFO",
        _ => "special file",
    }
}

#[cfg(not(unix))]
fn special_kind(_meta: &std::fs::Metadata) -> &'static str {
    "special file"
}

/// The folder a file path is in (`.` for a bare name).
pub(crate) fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `bytes` to an output path as [`output_target`] classifies it: atomically to a regular
/// file, through to a device or FIFO, or to standard output for `-`. Refuses a path that is one
/// of the run's noted inputs ([`note_input`]).
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    match output_target(path)? {
        Target::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|_| out.flush())
                .map_err(|e| Error::io("<stdout>", e))
        }
        Target::WriteThrough(p) => write_through(&p, bytes),
        Target::File(p) => {
            refuse_if_input(&p, &[])?;
            let mut staged = StagedFile::new(&p)?;
            staged.write_all(bytes)?;
            staged.commit()
        }
    }
}

/// Like [`write_output`] for a writer that creates its file at a path (SQLite): `write` is given
/// a temporary path, then the file is renamed into place, or its bytes written through to a
/// device, a FIFO or standard output.
pub fn write_output_with(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let target = output_target(path)?;
    if let Target::File(p) = &target {
        refuse_if_input(p, &[])?;
        let staged = StagedFile::new(p)?;
        write(staged.path()).map_err(|e| named_as(e, staged.path(), path))?;
        return staged.commit();
    }
    // written whole in the temporary folder first: a device or a pipe takes it in one go
    let name = format!("iapz-output-{}", std::process::id());
    let staged = StagedFile::new(&std::env::temp_dir().join(name))?;
    write(staged.path()).map_err(|e| named_as(e, staged.path(), path))?;
    let bytes = std::fs::read(staged.path()).map_err(|e| Error::io(staged.path(), e))?;
    drop(staged);
    match target {
        Target::WriteThrough(p) => write_through(&p, &bytes),
        _ => write_output(Path::new("-"), &bytes),
    }
}

/// An error about the temporary `tmp`, said of the output `path` the user named.
fn named_as(e: Error, tmp: &Path, path: &Path) -> Error {
    let tmp = tmp.display().to_string();
    let rename = |f: String| {
        if f == tmp {
            path.display().to_string()
        } else {
            f
        }
    };
    match e {
        Error::Input {
            file,
            location,
            message,
            hint,
        } => Error::Input {
            file: rename(file),
            location,
            message,
            hint,
        },
        Error::Io { path: p, source } => Error::Io {
            path: rename(p),
            source,
        },
    }
}

/// Writes `bytes` to `path` atomically (temporary file + fsync + rename in the same folder);
/// devices and FIFOs are written through (see [`write_output`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_output(path, bytes)
}

/// Opens an existing device, FIFO or descriptor for writing (appending, so that a file behind
/// `/dev/stdout` keeps what was printed before) and writes `bytes`.
fn write_through(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    f.write_all(bytes)
        .and_then(|_| f.flush())
        .map_err(|e| Error::io(path, e))
}

/// A regular file being written under a temporary name next to its target; [`StagedFile::commit`]
/// renames it into place, dropping it removes it. The temporary is registered so a signal
/// removes it too.
pub struct StagedFile {
    tmp: PathBuf,
    target: PathBuf,
    file: Option<std::fs::File>,
}

impl StagedFile {
    /// A temporary next to `target` (a regular file path, symbolic links already followed, e.g.
    /// from [`output_target`]). Stale temporaries of `target` left by killed runs are removed
    /// first.
    pub fn new(target: &Path) -> Result<StagedFile> {
        let dir = parent_of(target);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        remove_stale_temporaries(dir, &name);
        let pid = std::process::id();
        for attempt in 0..100u32 {
            let tmp = dir.join(format!(".{name}.iapz-{pid}-{attempt}.tmp"));
            // registered under the lock: a signal cannot come between creating and registering
            let mut registry = registry();
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(f) => {
                    registry.push(tmp.clone());
                    return Ok(StagedFile {
                        tmp,
                        target: target.to_path_buf(),
                        file: Some(f),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(dir, e)),
            }
        }
        Err(Error::input(
            dir.display().to_string(),
            "",
            "could not create a temporary file",
        ))
    }

    /// The temporary path, for writers that create their file themselves (SQLite).
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Appends `bytes` to the temporary file.
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        let f = self.file.as_mut().expect("open until commit");
        f.write_all(bytes).map_err(|e| Error::io(&self.tmp, e))
    }

    /// Syncs the temporary and renames it over the target, keeping the target's permissions.
    pub fn commit(mut self) -> Result<()> {
        drop(self.file.take());
        let synced = std::fs::OpenOptions::new()
            .write(true)
            .open(&self.tmp)
            .and_then(|f| f.sync_all());
        synced.map_err(|e| Error::io(&self.tmp, e))?;
        if let Ok(previous) = std::fs::metadata(&self.target) {
            let _ = std::fs::set_permissions(&self.tmp, previous.permissions());
        }
        let mut registry = registry();
        std::fs::rename(&self.tmp, &self.target).map_err(|e| Error::io(&self.target, e))?;
        registry.retain(|p| *p != self.tmp);
        self.tmp = PathBuf::new();
        Ok(())
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let mut registry = registry();
            let _ = std::fs::remove_file(&self.tmp);
            registry.retain(|p| *p != self.tmp);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs by identity

/// A file's identity: device and inode (on other systems, its canonical path).
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileId {
    #[cfg(unix)]
    id: (u64, u64),
    #[cfg(not(unix))]
    id: PathBuf,
}

#[cfg(unix)]
fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some(FileId {
        id: (m.dev(), m.ino()),
    })
}

#[cfg(not(unix))]
fn file_id(path: &Path) -> Option<FileId> {
    std::fs::canonicalize(path).ok().map(|id| FileId { id })
}

static INPUTS: Mutex<Vec<(FileId, String)>> = Mutex::new(Vec::new());

/// Records `path` as an input of this run (if it exists; `-` is standard input and ignored):
/// every output written through this module is then refused if it is the same file.
pub fn note_input(path: &Path) {
    if path.as_os_str() == "-" {
        return;
    }
    if let Some(id) = file_id(path) {
        lock(&INPUTS).push((id, path.display().to_string()));
    }
}

/// Refuses `output` when it is the same file as one of `inputs` or of the inputs noted with
/// [`note_input`], by identity (device and inode: another name, a hard link or a symbolic link
/// to an input is refused too). Outputs that are not regular files (devices, FIFOs, `-`) are
/// allowed: writing to them replaces nothing.
///
/// ```
/// use iapz::io::atomic::refuse_if_input;
/// let dir = std::env::temp_dir();
/// let rules = dir.join("iapz-doc-refuse.toml");
/// std::fs::write(&rules, "").unwrap();
/// assert!(refuse_if_input(&rules, &[rules.as_path()]).is_err());
/// assert!(refuse_if_input(&dir.join("iapz-doc-other.xml"), &[rules.as_path()]).is_ok());
/// assert!(refuse_if_input(std::path::Path::new("/dev/null"), &[std::path::Path::new("/dev/null")]).is_ok());
/// # std::fs::remove_file(&rules).unwrap();
/// ```
pub fn refuse_if_input(output: &Path, inputs: &[&Path]) -> Result<()> {
    if output.as_os_str() == "-" || !std::fs::metadata(output).is_ok_and(|m| m.is_file()) {
        return Ok(());
    }
    let Some(out_id) = file_id(output) else {
        return Ok(());
    };
    let given = inputs
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .filter_map(|p| file_id(p).map(|id| (id, p.display().to_string())));
    let noted = lock(&INPUTS).clone();
    match given.chain(noted).find(|(id, _)| *id == out_id) {
        None => Ok(()),
        Some((_, input)) => Err(Error::input(
            output.display().to_string(),
            "",
            match input == output.display().to_string() {
                true => "the output path is the input path; writing there would destroy it".into(),
                false => format!(
                    "the output path is the same file as the input {input}; writing there would destroy it"
                ),
            },
        )
        .with_hint("write the output to another file")),
    }
}

// ---------------------------------------------------------------------------------------------
// Temporaries: registered for signals, recognised by name after a SIGKILL

static TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Holding this keeps a signal from removing temporaries (taken while one is renamed into place,
/// so a signal never removes half of what is being published).
pub(crate) fn registry() -> MutexGuard<'static, Vec<PathBuf>> {
    lock(&TEMPORARIES)
}

/// Removes every registered temporary (files and staging folders); the registry stays locked
/// so that nothing is published afterwards.
fn remove_all_temporaries() -> MutexGuard<'static, Vec<PathBuf>> {
    let r = registry();
    for p in r.iter() {
        match std::fs::symlink_metadata(p) {
            Ok(m) if m.is_dir() => {
                // A writer may add a file while the folder is emptied (remove_dir_all then fails
                // with "not empty"); try again until it is gone.
                for _ in 0..50 {
                    if std::fs::remove_dir_all(p).is_ok() || !p.exists() {
                        break;
                    }
                }
            }
            Ok(_) => {
                let _ = std::fs::remove_file(p);
            }
            Err(_) => {}
        }
    }
    r
}

/// Installs handlers for SIGINT (Ctrl-C), SIGTERM and SIGHUP that remove this run's temporaries
/// and then end the process as the signal would have. Call once, at the start of a command.
#[cfg(unix)]
pub fn remove_temporaries_on_signal() -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .map_err(|e| Error::io("<signal handlers>", e))?;
    std::thread::Builder::new()
        .name("iapz-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let _held = remove_all_temporaries();
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        })
        .map_err(|e| Error::io("<signal thread>", e))?;
    Ok(())
}

/// Without Unix signals there is nothing to install.
#[cfg(not(unix))]
pub fn remove_temporaries_on_signal() -> Result<()> {
    Ok(())
}

/// The pid that made an iapz temporary of `name`, from the temporary's file name:
/// `.NAME.iapz-PID-N.tmp` (this module), `.NAME.PID.N.tmp` (earlier versions), `.NAME.PID.tmp`
/// (the GeoPackage writer, also around a temporary of this module).
fn temporary_owner(file: &str, name: &str) -> Option<u32> {
    let rest = file.strip_prefix('.')?.strip_suffix(".tmp")?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let tail = rest.strip_prefix(name).and_then(|t| t.strip_prefix('.'));
    let direct = tail.and_then(|tail| {
        if let Some((pid, n)) = tail.strip_prefix("iapz-").and_then(|t| t.split_once('-')) {
            return (digits(pid) && digits(n)).then(|| pid.parse().ok())?;
        }
        match tail.split_once('.') {
            Some((pid, n)) if digits(pid) && digits(n) => pid.parse().ok(),
            None if digits(tail) => tail.parse().ok(),
            _ => None,
        }
    });
    direct.or_else(|| {
        // a temporary of a temporary: `.{.NAME.iapz-PID-N.tmp}.PID.tmp`
        let (inner, pid) = rest.rsplit_once('.')?;
        temporary_owner(inner, name)?;
        pid.parse().ok()
    })
}

/// The output an iapz temporary is for, from its file name (`None` for any other file).
pub(crate) fn temporary_of(file: &str) -> Option<&str> {
    // names start after the dot (or after two: a temporary of a temporary)
    let dots = |from: usize| {
        file.char_indices()
            .filter(move |&(i, c)| c == '.' && i > from)
    };
    let target = [1, 2]
        .into_iter()
        .filter(|&from| file.len() > from && file.is_char_boundary(from))
        .find_map(|from| {
            dots(from)
                .map(|(i, _)| &file[from..i])
                .find(|name| temporary_owner(file, name).is_some())
        })?;
    // the GeoPackage writer's temporary of a temporary: the output is the inner one's
    temporary_of(target).or(Some(target))
}

/// Whether the process `pid` still runs (then its temporaries are in use).
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    match rustix::process::Pid::from_raw(pid as i32) {
        None => false,
        Some(p) => !matches!(
            rustix::process::test_kill_process(p),
            Err(rustix::io::Errno::SRCH)
        ),
    }
}

#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
}

/// Removes the temporaries of `name` in `dir` whose run is gone (killed before it could clean).
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let stale = temporary_owner(&file, name).is_some_and(|pid| !alive(pid));
        if stale && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporaries_are_recognised_by_name() {
        assert_eq!(
            temporary_owner(".out.geojson.iapz-42-0.tmp", "out.geojson"),
            Some(42)
        );
        assert_eq!(
            temporary_owner(".out.geojson.42.3.tmp", "out.geojson"),
            Some(42)
        );
        assert_eq!(temporary_owner(".out.gpkg.42.tmp", "out.gpkg"), Some(42));
        assert_eq!(
            temporary_owner("..out.gpkg.iapz-42-0.tmp.42.tmp", "out.gpkg"),
            Some(42)
        );
        assert_eq!(
            temporary_owner(".out.geojson.draft.tmp", "out.geojson"),
            None
        );
        assert_eq!(temporary_owner("out.geojson.42.tmp", "out.geojson"), None);
        assert_eq!(temporary_owner(".other.42.tmp", "out.geojson"), None);
        assert_eq!(temporary_of(".iapz.gpkg.iapz-7-0.tmp"), Some("iapz.gpkg"));
        assert_eq!(temporary_of(".zone.geojson.7.1.tmp"), Some("zone.geojson"));
        assert_eq!(
            temporary_of("..iapz.gpkg.iapz-7-0.tmp.7.tmp"),
            Some("iapz.gpkg")
        );
        assert_eq!(temporary_of(".notes.tmp"), None);
        assert_eq!(temporary_of("README.md"), None);
    }

    #[test]
    fn a_dead_pid_is_not_alive() {
        assert!(alive(std::process::id()));
        assert!(!alive(i32::MAX as u32 - 1));
    }
}
