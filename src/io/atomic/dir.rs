//! A folder of outputs published at once: staged in a sibling folder and swapped in with one
//! rename, under an exclusive lock.
//!
//! Whoever opens the folder, whenever a run dies, it holds one complete set: the previous one
//! until the swap, the new one after it. Files in the folder that are not outputs (a README the
//! user keeps there, notes, other tools' files) are carried over into the new set as hard links
//! (copies where links are impossible), so the swap loses nothing of theirs.

use super::{dangling_link, parent_of, refuse_if_input, registry, temporary_of};
use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A set of outputs committed together. Files are staged in a sibling folder
/// (`.NAME.iapz-staging-PID`, next to the output folder `NAME`); [`AtomicDir::commit_set`] carries
/// over the files of the folder that are not outputs and swaps the staging folder in with one
/// rename (`renameat2(RENAME_EXCHANGE)` on Linux). Dropping it uncommitted removes the staging
/// folder; a staging folder left by a killed run is removed by the next run.
///
/// The folder that holds the output folder is locked (`flock`) from [`AtomicDir::new`] until the
/// value is dropped, so two runs into the same folder publish one after the other.
///
/// When the output folder is a mount point (a volume mounted into a container), the sibling
/// would be on another file system: the files are then staged inside it and renamed into place
/// one by one (each file is atomic, the set is not).
pub struct AtomicDir {
    live: PathBuf,
    staging: PathBuf,
    in_place: bool,
    staged: Vec<String>,
    _lock: Option<File>,
}

/// The prefix of staging folders of `name` (recognised and removed by the next run).
fn staging_prefix(name: &str) -> String {
    format!(".{name}.iapz-staging-")
}

impl AtomicDir {
    /// Prepares the output folder `dir` (created with its parents if missing; a symbolic link to
    /// a folder is followed). Refuses a path that is a file, a device or a dangling link. Waits
    /// for another run publishing into the same place, then removes what killed runs left.
    pub fn new(dir: &Path) -> Result<Self> {
        let live = resolve_folder(dir)?;
        let name = live
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                Error::input(
                    dir.display().to_string(),
                    "",
                    "cannot be replaced as a whole",
                )
                .with_hint("choose a sub-folder (--out DIR/outputs)")
            })?;
        let parent = parent_of(&live).to_path_buf();
        let in_place = live.is_dir() && is_mount_point(&live, &parent);
        let (home, prefix) = match in_place {
            true => (live.clone(), ".iapz-staging-".to_string()),
            false => (parent.clone(), staging_prefix(&name)),
        };
        let lock = lock_folder(&home)?;
        remove_stale_staging(&home, &prefix);
        let staging = home.join(format!("{prefix}{}", std::process::id()));
        {
            let mut registry = registry();
            std::fs::create_dir(&staging).map_err(|e| staging_error(&staging, e))?;
            registry.push(staging.clone());
        }
        Ok(AtomicDir {
            live,
            staging,
            in_place,
            staged: Vec::new(),
            _lock: lock,
        })
    }

    /// The folder the outputs go to (symbolic links followed).
    pub fn dir(&self) -> &Path {
        &self.live
    }

    /// Stages `bytes` for `relative` (a `/`-separated path; sub-folders are created).
    pub fn stage(&mut self, relative: &str, bytes: &[u8]) -> Result<()> {
        let path = self.stage_path(relative)?;
        // Created under the registry lock: a signal's clean-up holds it until the process ends,
        // so no file (or re-created folder) can appear in the staging folder after its removal.
        let mut f = {
            let _registry = registry();
            File::create(&path).map_err(|e| Error::io(&path, e))?
        };
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| Error::io(&path, e))
    }

    /// Stages a file that a writer produces at a path (e.g. SQLite); returns the path to write.
    pub fn stage_path(&mut self, relative: &str) -> Result<PathBuf> {
        let path = self.staging.join(relative);
        let parent = parent_of(&path).to_path_buf();
        {
            let _registry = registry(); // see `stage`
            std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        }
        self.staged.push(relative.to_string());
        Ok(path)
    }

    /// Publishes the staged files, keeping every other file of the folder.
    pub fn commit(self) -> Result<Vec<PathBuf>> {
        self.commit_set(&|_| false)
    }

    /// Publishes the staged files as the folder's new set. Files of the folder that
    /// `is_output` claims (relative `/`-separated paths: outputs of an earlier run that this one
    /// did not write) are dropped with the old set; every other file is carried over. A folder
    /// where an output file must go is refused before anything changes. Returns the paths written.
    pub fn commit_set(mut self, is_output: &dyn Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
        let written: Vec<PathBuf> = self.staged.iter().map(|r| self.live.join(r)).collect();
        if self.in_place {
            self.publish_in_place(is_output)?;
        } else {
            if self.live.is_dir() {
                let carry = Carry {
                    staged: &self.staged,
                    is_output,
                };
                carry.folder(&self.live, &self.staging, "")?;
                if let Ok(m) = std::fs::metadata(&self.live) {
                    let _ = std::fs::set_permissions(&self.staging, m.permissions());
                }
            }
            sync_folder(&self.staging);
            self.swap()?;
        }
        sync_folder(parent_of(&self.live));
        Ok(written)
    }

    /// Swaps the staging folder and the live one (or renames it into place); the old set, now
    /// at the staging path, is removed.
    fn swap(&mut self) -> Result<()> {
        {
            let _registry = registry(); // a signal waits until the swap is whole
            if self.live.exists() {
                exchange(&self.staging, &self.live)?;
            } else {
                std::fs::rename(&self.staging, &self.live).map_err(|e| Error::io(&self.live, e))?;
                self.staging = PathBuf::new();
            }
        }
        self.remove_staging();
        Ok(())
    }

    /// The mount-point case: files renamed into place one by one, outputs of earlier runs not
    /// written this time removed.
    fn publish_in_place(&mut self, is_output: &dyn Fn(&str) -> bool) -> Result<()> {
        if let Some(r) = self.staged.iter().find(|r| self.live.join(r).is_dir()) {
            return Err(folder_in_the_way(&self.live.join(r)));
        }
        for r in &self.staged {
            refuse_if_input(&self.live.join(r), &[])?;
        }
        let _registry = registry();
        for r in &self.staged {
            let target = self.live.join(r);
            let parent = parent_of(&target);
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            std::fs::rename(self.staging.join(r), &target).map_err(|e| Error::io(&target, e))?;
        }
        for old in files_under(&self.live, "")? {
            let staging_name = self.staging.file_name().map(|n| n.to_string_lossy());
            let in_staging = staging_name.is_some_and(|s| old.starts_with(&*s));
            if !in_staging && is_output(&old) && !self.staged.contains(&old) {
                let _ = std::fs::remove_file(self.live.join(&old));
            }
        }
        Ok(())
    }

    fn remove_staging(&mut self) {
        if self.staging.as_os_str().is_empty() {
            return;
        }
        let mut registry = registry();
        let _ = std::fs::remove_dir_all(&self.staging);
        registry.retain(|p| *p != self.staging);
        self.staging = PathBuf::new();
    }
}

impl Drop for AtomicDir {
    fn drop(&mut self) {
        self.remove_staging();
    }
}

/// Refuses an output folder path that is a file, a device, a link to one, or a dangling link,
/// with what to do (before a long run, rather than after it).
///
/// ```
/// use iapz::io::atomic::check_output_folder;
/// let e = check_output_folder(std::path::Path::new("/dev/null")).unwrap_err();
/// assert!(e.to_string().contains("is a character device, not a folder"));
/// assert!(check_output_folder(&std::env::temp_dir().join("iapz-doc-new-folder")).is_ok());
/// ```
pub fn check_output_folder(dir: &Path) -> Result<()> {
    let not_a_folder = |what: &str| {
        Error::input(
            dir.display().to_string(),
            "",
            format!("is {what}, not a folder"),
        )
        .with_hint("give --out a folder (it is created if missing), or move that file away")
    };
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(dir, e)),
        Ok(m) if m.file_type().is_symlink() => match std::fs::metadata(dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(dangling_link(dir, "--out DIR"))
            }
            Err(e) => Err(Error::io(dir, e)),
            Ok(m) if m.is_dir() => Ok(()),
            Ok(m) => Err(not_a_folder(&format!(
                "a symbolic link to {}",
                kind_name(&m)
            ))),
        },
        Ok(m) if m.is_dir() => Ok(()),
        Ok(m) => Err(not_a_folder(kind_name(&m))),
    }
}

/// The output folder `dir` resolves to: an existing folder (links followed) or a path to create
/// (its parents are created).
fn resolve_folder(dir: &Path) -> Result<PathBuf> {
    check_output_folder(dir)?;
    if dir.exists() {
        return std::fs::canonicalize(dir).map_err(|e| Error::io(dir, e));
    }
    let parent = parent_of(dir);
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let parent = std::fs::canonicalize(parent).map_err(|e| Error::io(parent, e))?;
    match dir.file_name() {
        Some(name) => Ok(parent.join(name)),
        None => Err(
            Error::input(dir.display().to_string(), "", "does not name a folder")
                .with_hint("give --out a folder path"),
        ),
    }
}

fn kind_name(m: &std::fs::Metadata) -> &'static str {
    match m.is_file() {
        true => "a file",
        false => match super::special_kind(m) {
            "character device" => "a character device",
            "block device" => "a block device",
            "FIFO" => "a FIFO",
            "socket" => "a socket",
            _ => "a special file",
        },
    }
}

fn staging_error(staging: &Path, e: std::io::Error) -> Error {
    Error::input(
        staging.display().to_string(),
        "",
        format!("cannot create the staging folder: {e}"),
    )
    .with_hint(
        "iapz stages a new set of outputs next to the output folder and swaps it in: \
         it needs write access to the folder that holds --out",
    )
}

fn folder_in_the_way(target: &Path) -> Error {
    Error::input(
        target.display().to_string(),
        "",
        "is a folder where an output file must go; no output was replaced",
    )
    .with_hint("move or remove that folder, or choose another --out folder")
}

/// Carrying the files of the live folder that are not outputs into the staging folder.
struct Carry<'a> {
    staged: &'a [String],
    is_output: &'a dyn Fn(&str) -> bool,
}

impl Carry<'_> {
    /// Written by this run, or an output of an earlier one.
    fn is_ours(&self, relative: &str) -> bool {
        self.staged.iter().any(|s| s == relative) || (self.is_output)(relative)
    }

    fn folder(&self, from: &Path, to: &Path, prefix: &str) -> Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(from)
            .map_err(|e| Error::io(from, e))?
            .collect::<std::io::Result<_>>()
            .map_err(|e| Error::io(from, e))?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            let relative = format!("{prefix}{name}");
            let (src, dest) = (e.path(), to.join(&name));
            let kind = e.file_type().map_err(|err| Error::io(&src, err))?;
            let dest_kind = std::fs::symlink_metadata(&dest).ok().map(|m| m.file_type());
            if kind.is_dir() {
                match dest_kind {
                    Some(d) if !d.is_dir() => return Err(folder_in_the_way(&src)),
                    Some(_) => {}
                    None => {
                        std::fs::create_dir(&dest).map_err(|err| Error::io(&dest, err))?;
                        if let Ok(m) = e.metadata() {
                            let _ = std::fs::set_permissions(&dest, m.permissions());
                        }
                    }
                }
                self.folder(&src, &dest, &format!("{relative}/"))?;
            } else if self.is_ours(&relative) {
                // replaced (or dropped) with the old set: never an input of this run
                refuse_if_input(&src, &[])?;
            } else if temporary_of(&name).is_some_and(|t| self.is_ours(&format!("{prefix}{t}"))) {
                // a temporary of an output, left by a killed run: dropped with the old set
            } else if dest_kind.is_some() {
                return Err(Error::input(
                    src.display().to_string(),
                    "",
                    "is in the way of an output folder; no output was replaced",
                )
                .with_hint("move or remove that file, or choose another --out folder"));
            } else {
                carry_file(&src, &dest)?;
            }
        }
        Ok(())
    }
}

/// A hard link to `src` at `dest` (same inode: nothing copied, nothing lost if the run dies);
/// a copy, or a new symbolic link, where the file system refuses hard links.
fn carry_file(src: &Path, dest: &Path) -> Result<()> {
    if std::fs::hard_link(src, dest).is_ok() {
        return Ok(());
    }
    let meta = std::fs::symlink_metadata(src).map_err(|e| Error::io(src, e))?;
    #[cfg(unix)]
    if meta.file_type().is_symlink() {
        let to = std::fs::read_link(src).map_err(|e| Error::io(src, e))?;
        return std::os::unix::fs::symlink(to, dest).map_err(|e| Error::io(dest, e));
    }
    if meta.is_file() {
        return std::fs::copy(src, dest)
            .map(|_| ())
            .map_err(|e| Error::io(dest, e));
    }
    Err(Error::input(
        src.display().to_string(),
        "",
        "cannot be carried over into the new set of outputs (a special file that cannot be linked)",
    )
    .with_hint("move it out of the output folder, or choose another --out folder"))
}

/// Every file under `dir` as `/`-separated relative paths.
fn files_under(dir: &Path, prefix: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .flatten()
    {
        let relative = format!("{prefix}{}", e.file_name().to_string_lossy());
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            out.extend(files_under(&e.path(), &format!("{relative}/"))?);
        } else {
            out.push(relative);
        }
    }
    Ok(out)
}

/// Removes staging folders (and their old sets) of runs that died: with the lock held, no
/// other run is using them.
fn remove_stale_staging(home: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(home) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = name.strip_prefix(prefix).is_some_and(|rest| {
            let pid = rest.strip_suffix("-old").unwrap_or(rest);
            !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
        });
        if ours && e.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// An exclusive `flock` on `folder`, waited for.
#[cfg(unix)]
fn lock_folder(folder: &Path) -> Result<Option<File>> {
    use rustix::fs::{FlockOperation, flock};
    let f = File::open(folder).map_err(|e| Error::io(folder, e))?;
    if flock(&f, FlockOperation::NonBlockingLockExclusive).is_err() {
        flock(&f, FlockOperation::LockExclusive).map_err(|e| Error::io(folder, e.into()))?;
    }
    Ok(Some(f))
}

#[cfg(not(unix))]
fn lock_folder(_folder: &Path) -> Result<Option<File>> {
    Ok(None)
}

#[cfg(unix)]
fn is_mount_point(dir: &Path, parent: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(dir), std::fs::metadata(parent)) {
        (Ok(d), Ok(p)) => d.dev() != p.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_mount_point(_dir: &Path, _parent: &Path) -> bool {
    false
}

/// Exchanges two folders in one step (Linux `renameat2(RENAME_EXCHANGE)`); where the file system
/// or the system cannot, renames the live folder aside and the staging folder in its place.
fn exchange(staging: &Path, live: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, live, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(Error::io(live, e.into())),
        }
    }
    let aside = PathBuf::from(format!("{}-old", staging.display()));
    std::fs::rename(live, &aside).map_err(|e| Error::io(live, e))?;
    if let Err(e) = std::fs::rename(staging, live) {
        let _ = std::fs::rename(&aside, live);
        return Err(Error::io(live, e));
    }
    std::fs::rename(&aside, staging).map_err(|e| Error::io(staging, e))
}

/// Makes a rename or the files of a folder durable (best effort: not every system syncs folders).
fn sync_folder(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}
