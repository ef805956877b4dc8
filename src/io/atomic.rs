//! Atomic outputs: a file is written under a temporary name in its own folder and renamed into
//! place, so a failed run never leaves a half-written file and earlier outputs stay intact.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temporary file + fsync + rename in the same folder).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile_in(dir, path)?;
    tmp.1.write_all(bytes).map_err(|e| Error::io(&tmp.0, e))?;
    tmp.1.sync_all().map_err(|e| Error::io(&tmp.0, e))?;
    drop(tmp.1);
    std::fs::rename(&tmp.0, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp.0);
        Error::io(path, e)
    })
}

fn tempfile_in(dir: &Path, target: &Path) -> Result<(PathBuf, std::fs::File)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    for attempt in 0..100u32 {
        let tmp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
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

/// A set of outputs committed together: every file is staged under a temporary name, and only
/// [`AtomicDir::commit`] renames them all into place. Dropping it uncommitted removes the staged
/// files, so a run that fails half-way leaves the previous outputs untouched.
pub struct AtomicDir {
    dir: PathBuf,
    staged: Vec<(PathBuf, PathBuf)>,
}

impl AtomicDir {
    /// Prepares `dir` (created if missing) for a set of outputs.
    pub fn new(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        if !dir.is_dir() {
            return Err(
                Error::input(dir.display().to_string(), "", "is not a folder")
                    .with_hint("give --out a folder path"),
            );
        }
        Ok(AtomicDir {
            dir: dir.to_path_buf(),
            staged: Vec::new(),
        })
    }

    /// The folder the outputs go to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stages `bytes` for `relative` (sub-folders are created).
    pub fn stage(&mut self, relative: &str, bytes: &[u8]) -> Result<()> {
        let target = self.dir.join(relative);
        let parent = target.parent().unwrap_or(&self.dir).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let (tmp, mut f) = tempfile_in(&parent, &target)?;
        self.staged.push((tmp.clone(), target));
        f.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
        f.sync_all().map_err(|e| Error::io(&tmp, e))
    }

    /// Stages a file that a writer produces at a path (e.g. SQLite); returns the temporary path
    /// to write to.
    pub fn stage_path(&mut self, relative: &str) -> Result<PathBuf> {
        let target = self.dir.join(relative);
        let parent = target.parent().unwrap_or(&self.dir).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let (tmp, f) = tempfile_in(&parent, &target)?;
        drop(f);
        self.staged.push((tmp.clone(), target));
        Ok(tmp)
    }

    /// Renames every staged file into place.
    /// Targets that cannot be replaced (a folder in the way) are refused before anything is
    /// renamed, so the previous outputs stay whole; on any failure the staged files not yet
    /// renamed are removed.
    pub fn commit(mut self) -> Result<Vec<PathBuf>> {
        if let Some((_, target)) = self.staged.iter().find(|(_, t)| t.is_dir()) {
            return Err(Error::input(
                target.display().to_string(),
                "",
                "is a folder where an output file must go; no output was replaced",
            )
            .with_hint("move or remove that folder, or choose another --out folder"));
        }
        let mut done = Vec::new();
        while !self.staged.is_empty() {
            let (tmp, target) = self.staged.remove(0);
            if let Err(e) = std::fs::rename(&tmp, &target) {
                let _ = std::fs::remove_file(&tmp);
                return Err(Error::io(&target, e)); // Drop removes the rest
            }
            done.push(target);
        }
        Ok(done)
    }
}

impl Drop for AtomicDir {
    fn drop(&mut self) {
        for (tmp, _) in &self.staged {
            let _ = std::fs::remove_file(tmp);
        }
    }
}
