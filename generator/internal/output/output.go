// Package output owns a build's output folder: which folders may receive
// the site, the staging folder the build writes into, and the commit that
// makes the new output visible only once the whole build succeeded.
//
// The rules it enforces:
//   - A folder that holds the site's sources (the site root or any folder
//     above it, content/, themes/, layouts/, assets/, static/), a folder
//     inside one of those, the user's home folder and the file-system root
//     are refused always, also when reached through a symbolic link.
//   - A folder is replaced only when it does not exist, is empty, or is this
//     generator's own earlier output, recognised by the manifest the build
//     writes into it (ManifestName). Any other folder is refused, naming the
//     files that are in it, unless the caller forces it; even then the files
//     the generator did not write are kept as they are.
//   - Nothing the generator did not write is ever deleted or overwritten: a
//     build that would write where such a file stands fails before touching
//     the folder.
//   - The new output is staged in a folder beside the destination. Over an
//     earlier output, only files whose bytes changed are staged; the commit
//     renames them into place and removes the files of the earlier output
//     that the new one no longer has. Unchanged files are not touched, so a
//     rebuild costs what changed, not the size of the site.
//   - Writing errors that would fail every file (no space left, a read-only
//     file system, permission denied) are reported once and stop the build.
package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// ManifestName is the file, at the top of an output folder, that lists every
// file the build wrote there. It is what marks the folder as this
// generator's output.
const ManifestName = ".kb-output.json"

// stagingMarker, inside a staging folder, marks it as one of ours, so that a
// folder left by a killed build can be recognised and removed.
const stagingMarker = ".kb-staging"

const manifestFormat = 1

// Protected is a folder the output must neither be, contain, nor lie inside.
type Protected struct {
	Path string
	What string // what it is, for the message: "the site's content folder"
}

// Options control Open.
type Options struct {
	// Sources are the site's own folders: the site root first, then the
	// folders the build reads (content, themes, layouts, assets, static).
	// The destination may lie inside the site root, but inside none of the
	// others.
	Sources []Protected
	// Force lets the build write into a folder that holds files this
	// generator did not write. Those files are kept as they are.
	Force bool
	// OnFatal is called once, with the error, when writing fails for a
	// reason that will fail every other file too.
	OnFatal func(error)
	// Notef, when set, receives notes such as a removed leftover staging folder.
	Notef func(format string, args ...any)
}

// RefusedError says why a folder cannot receive the output. Nothing was
// written or removed.
type RefusedError struct {
	Dir    string   // the folder, as given
	Reason string   // why
	Files  []string // a few of the files that are in it, when that is the reason
	More   int      // how many other files are there
	Hint   string   // what to do instead
}

func (e *RefusedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "refusing to write the site into %s: %s", e.Dir, e.Reason)
	if len(e.Files) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(e.Files, ", "))
		if e.More > 0 {
			fmt.Fprintf(&b, " and %d more", e.More)
		}
		b.WriteString(")")
	}
	b.WriteString("; nothing was changed")
	if e.Hint != "" {
		b.WriteString(". ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// WriteError is a failure to write the output that every other file would
// meet too (no space left, a read-only file system, permission denied).
type WriteError struct {
	Dir  string // the folder being written
	Rel  string // the file being written when it happened
	Err  error
	verb string
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("cannot write the site into %s (%s %s): %v", e.Dir, e.verb, e.Rel, errors.Unwrap(e.Err))
}

func (e *WriteError) Unwrap() error { return e.Err }

// fatalErrno reports whether err will fail every write to the same folder.
func fatalErrno(err error) bool {
	for _, no := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EROFS, syscall.EACCES, syscall.EPERM} {
		if errors.Is(err, no) {
			return true
		}
	}
	return false
}

// Target is an output folder being built. Its WriteFile and CopyFile
// implement the build's writer and are safe for concurrent use. Exactly one
// of Commit or Discard ends it; Discard after Commit does nothing.
type Target struct {
	dir     string // destination, symbolic links resolved
	shown   string // destination as given, for messages
	parent  string
	staging string
	lock    *os.File
	opt     Options

	// Over an earlier output (inPlace): its files, and the files in the
	// folder it did not list, which are kept.
	inPlace bool
	prev    map[string]bool
	foreign int

	mu        sync.Mutex
	files     map[string]string // this build's files → staged name ("" when unchanged)
	blocking  map[string]bool   // earlier files that stand where a folder is now needed
	checked   sync.Map          // folders of dir already checked (in place)
	dirs      sync.Map          // folders of the staging tree already made (fresh)
	seq       atomic.Int64
	pages     atomic.Int64
	others    atomic.Int64
	unchanged atomic.Int64
	fatal     atomic.Pointer[WriteError]
	done      bool
}

// Open checks that dir may receive the output and creates the staging
// folder beside it. A *RefusedError says why it may not.
func Open(dir string, opt Options) (*Target, error) {
	shown := dir
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	real, err := resolve(abs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, err)
	}
	if real != abs {
		shown += " (" + real + " through a symbolic link)"
	}
	if err := checkProtected(shown, real, opt.Sources); err != nil {
		return nil, err
	}
	t := &Target{dir: real, shown: shown, parent: filepath.Dir(real), opt: opt, files: map[string]string{}, blocking: map[string]bool{}}
	if err := t.classify(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(t.parent, 0o755); err != nil {
		return nil, t.setupError("creating", t.parent, err)
	}
	if err := t.removeLeftovers(); err != nil {
		return nil, err
	}
	staging, err := os.MkdirTemp(t.parent, "."+filepath.Base(real)+".staging-")
	if err != nil {
		return nil, t.setupError("creating the staging folder in", t.parent, err)
	}
	t.staging = staging
	if err := t.startStaging(); err != nil {
		os.RemoveAll(staging)
		return nil, err
	}
	return t, nil
}

func (t *Target) startStaging() error {
	if err := os.Chmod(t.staging, 0o755); err != nil {
		return t.setupError("creating", t.staging, err)
	}
	if err := os.WriteFile(filepath.Join(t.staging, stagingMarker), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return t.setupError("creating", t.staging, err)
	}
	lock, err := lockDir(t.staging)
	if err != nil {
		return err
	}
	t.lock = lock
	return nil
}

func (t *Target) setupError(verb, what string, err error) error {
	if fatalErrno(err) {
		return &WriteError{Dir: t.shown, Rel: what, Err: err, verb: verb}
	}
	return fmt.Errorf("%s %s: %w", verb, what, err)
}

// resolve returns abs with symbolic links resolved, for the longest part of
// it that exists.
func resolve(abs string) (string, error) {
	rest := ""
	p := abs
	for {
		r, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(r, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(p)
		if parent == p {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

// within reports whether p is dir or lies inside it.
func within(p, dir string) bool {
	if p == dir {
		return true
	}
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func checkProtected(shown, real string, sources []Protected) error {
	refuse := func(reason string) error {
		return &RefusedError{Dir: shown, Reason: reason, Hint: "Choose a new or empty folder, or the site's public/ (the default)."}
	}
	if filepath.Dir(real) == real {
		return refuse("it is the root of the file system")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		if h, err := resolve(home); err == nil && within(h, real) {
			if h == real {
				return refuse("it is your home folder")
			}
			return refuse("it holds your home folder")
		}
	}
	for i, s := range sources {
		if s.Path == "" {
			continue
		}
		abs, err := filepath.Abs(s.Path)
		if err != nil {
			continue
		}
		p, err := resolve(abs)
		if err != nil {
			continue
		}
		switch {
		case p == real:
			return refuse("it is " + s.What)
		case within(p, real):
			return refuse("it holds " + s.What + " (" + p + ")")
		case i > 0 && within(real, p):
			// The site root may hold the output (public/ lives there); a
			// folder the build reads may not, or the next build would read
			// its own output.
			return refuse("it is inside " + s.What + " (" + p + ")")
		}
	}
	return nil
}

// manifest is the list of files a build wrote, kept in ManifestName.
type manifest struct {
	Generator string   `json:"generator"`
	Format    int      `json:"format"`
	State     string   `json:"state"` // "complete", or "updating" while a commit runs
	Files     []string `json:"files"`
}

const generatorName = "vepkb site generator"

func readManifest(dir string) (*manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil || m.Generator != generatorName || m.Format != manifestFormat {
		return nil, fmt.Errorf("%s is not a manifest written by this generator", ManifestName)
	}
	return &m, nil
}

func writeManifest(file string, m *manifest) error {
	slices.Sort(m.Files)
	data, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(file, append(data, '\n'), 0o644)
}

// classify decides how the destination is written: fresh (it does not
// exist: the staging tree is renamed into place) or in place (an empty
// folder or an earlier output: changed files are renamed in one by one).
func (t *Target) classify() error {
	info, err := os.Lstat(t.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return &RefusedError{Dir: t.shown, Reason: "it is a file, not a folder", Hint: "Choose a folder."}
	}
	m, merr := readManifest(t.dir)
	prev := map[string]bool{}
	if merr == nil {
		for _, f := range m.Files {
			prev[path.Clean("/" + f)[1:]] = true
		}
	}
	var foreign []string
	err = filepath.WalkDir(t.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(t.dir, p)
		rel = filepath.ToSlash(rel)
		if rel == ManifestName || prev[rel] {
			return nil
		}
		foreign = append(foreign, rel)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading %s: %w", t.shown, err)
	}
	// An empty folder (or one holding only empty folders) is written in
	// place too: the folder itself, which may be a mount point or have
	// permissions of its own, stays.
	if merr != nil && len(foreign) > 0 && !t.opt.Force {
		slices.Sort(foreign)
		e := &RefusedError{Dir: t.shown, Files: foreign,
			Hint: "Choose a new or empty folder, or remove those files yourself (an output written by a version of this generator older than " + ManifestName + " must be removed once by hand); to write the site beside them, keeping them as they are, add --force."}
		e.Reason = fmt.Sprintf("it is not the output of an earlier build (no %s) and holds %d %s this generator did not write", ManifestName, len(foreign), plural(len(foreign), "file", "files"))
		if len(foreign) > 5 {
			e.Files, e.More = foreign[:5], len(foreign)-5
		}
		return e
	}
	t.inPlace, t.prev, t.foreign = true, prev, len(foreign)
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// removeLeftovers removes staging folders beside the destination that a
// killed build left behind. One that another build still holds is an error.
func (t *Target) removeLeftovers() error {
	matches, _ := filepath.Glob(filepath.Join(t.parent, "."+globEscape(filepath.Base(t.dir))+".staging-*"))
	for _, m := range matches {
		if _, err := os.Stat(filepath.Join(m, stagingMarker)); err != nil {
			continue // not one of ours: leave it
		}
		lock, err := tryLockDir(m)
		if err != nil {
			return fmt.Errorf("another build is writing %s (its staging folder is %s); wait for it to finish", t.shown, m)
		}
		err = os.RemoveAll(m)
		unlockDir(lock)
		if err != nil {
			return t.setupError("removing the leftover staging folder", m, err)
		}
		if t.opt.Notef != nil {
			t.opt.Notef("removed %s, left by an interrupted build", m)
		}
	}
	return nil
}

func globEscape(s string) string {
	r := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`)
	return r.Replace(s)
}

// Dir is the destination folder, with symbolic links resolved.
func (t *Target) Dir() string { return t.dir }

// Fatal returns the error that stopped writing, if any.
func (t *Target) Fatal() error {
	if e := t.fatal.Load(); e != nil {
		return e
	}
	return nil
}

// fail records a write error; one that fails every file is reported once
// and returned for every later write.
func (t *Target) fail(verb, rel string, err error) error {
	if e := t.fatal.Load(); e != nil {
		return e
	}
	if !fatalErrno(err) {
		return err
	}
	e := &WriteError{Dir: t.shown, Rel: rel, Err: err, verb: verb}
	if t.fatal.CompareAndSwap(nil, e) && t.opt.OnFatal != nil {
		t.opt.OnFatal(e)
	}
	return t.fatal.Load()
}

// WriteFile stages data as the output file rel (a slash path).
func (t *Target) WriteFile(rel string, data []byte) error {
	rel = path.Clean("/" + rel)[1:]
	if e := t.fatal.Load(); e != nil {
		return e
	}
	t.count(rel)
	if t.inPlace {
		same, err := t.checkInPlace(rel, func(old *os.File, size int64) (bool, error) {
			if size != int64(len(data)) {
				return false, nil
			}
			buf := make([]byte, len(data))
			if _, err := io.ReadFull(old, buf); err != nil {
				return false, nil
			}
			return bytes.Equal(buf, data), nil
		})
		if err != nil || same {
			return err
		}
	}
	full, err := t.stage(rel)
	if err != nil {
		return t.fail("writing", rel, err)
	}
	if err := os.WriteFile(full, data, 0o644); err != nil {
		return t.fail("writing", rel, err)
	}
	return nil
}

// CopyFile stages a copy of the file src as the output file rel.
func (t *Target) CopyFile(rel, src string) error {
	rel = path.Clean("/" + rel)[1:]
	if e := t.fatal.Load(); e != nil {
		return e
	}
	in, err := os.Open(src)
	if err != nil {
		return err // the source's problem: this file only
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	t.count(rel)
	if t.inPlace {
		same, err := t.checkInPlace(rel, func(old *os.File, size int64) (bool, error) {
			if size != info.Size() {
				return false, nil
			}
			eq, err := sameBytes(old, in)
			if _, serr := in.Seek(0, io.SeekStart); serr != nil {
				return false, serr
			}
			return eq, err
		})
		if err != nil || same {
			return err
		}
	}
	full, err := t.stage(rel)
	if err != nil {
		return t.fail("copying", rel, err)
	}
	out, err := os.OpenFile(full, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return t.fail("copying", rel, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == src {
			return err
		}
		return t.fail("copying", rel, err)
	}
	if err := out.Close(); err != nil {
		return t.fail("copying", rel, err)
	}
	return nil
}

func (t *Target) count(rel string) {
	if strings.HasSuffix(rel, ".html") {
		t.pages.Add(1)
	} else {
		t.others.Add(1)
	}
}

func sameBytes(a, b io.Reader) (bool, error) {
	const n = 64 << 10
	ba, bb := make([]byte, n), make([]byte, n)
	for {
		na, ea := io.ReadFull(a, ba)
		nb, eb := io.ReadFull(b, bb)
		if na != nb || !bytes.Equal(ba[:na], bb[:nb]) {
			return false, nil
		}
		if ea == io.EOF || ea == io.ErrUnexpectedEOF {
			return eb == io.EOF || eb == io.ErrUnexpectedEOF, nil
		}
		if ea != nil {
			return false, nil
		}
		if eb != nil {
			if eb == io.EOF || eb == io.ErrUnexpectedEOF {
				return false, nil
			}
			return false, eb
		}
	}
}

// checkInPlace looks at what stands at rel in the destination: nothing, an
// earlier output's file (same reports whether its bytes are the new ones),
// or something this generator did not write, which is an error.
func (t *Target) checkInPlace(rel string, same func(*os.File, int64) (bool, error)) (bool, error) {
	if err := t.checkFolders(rel); err != nil {
		return false, err
	}
	full := filepath.Join(t.dir, filepath.FromSlash(rel))
	info, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !t.prev[rel] {
		what := "a file"
		if info.IsDir() {
			what = "a folder"
		}
		return false, fmt.Errorf("%s stands at %s in %s and was not written by this generator: the build would replace it; move it away (or into static/ to publish it with the site)", what, rel, t.shown)
	}
	if !info.Mode().IsRegular() {
		return false, nil
	}
	f, err := os.Open(full)
	if err != nil {
		return false, nil // rewritten from the staging folder
	}
	defer f.Close()
	ok, err := same(f, info.Size())
	if err != nil {
		return false, err
	}
	if ok {
		t.mu.Lock()
		t.files[rel] = ""
		t.mu.Unlock()
		t.unchanged.Add(1)
	}
	return ok, nil
}

// checkFolders checks that every folder above rel in the destination is a
// folder, or a file of the earlier output that the commit may remove.
func (t *Target) checkFolders(rel string) error {
	for d := path.Dir(rel); d != "."; d = path.Dir(d) {
		if _, ok := t.checked.Load(d); ok {
			return nil
		}
		info, err := os.Lstat(filepath.Join(t.dir, filepath.FromSlash(d)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return err
		case info.IsDir():
		case t.prev[d]:
			t.mu.Lock()
			t.blocking[d] = true
			t.mu.Unlock()
		default:
			return fmt.Errorf("%s in %s is not a folder and was not written by this generator, but the build writes %s inside it; move it away", d, t.shown, rel)
		}
		t.checked.Store(d, true)
	}
	return nil
}

// stage returns where rel is written in the staging folder: the same path
// in a fresh build, a numbered file in an update (renamed into place by
// Commit, so no folders need making and removing).
func (t *Target) stage(rel string) (string, error) {
	if t.inPlace {
		name := strconv.FormatInt(t.seq.Add(1), 36)
		t.mu.Lock()
		t.files[rel] = name
		t.mu.Unlock()
		return filepath.Join(t.staging, name), nil
	}
	t.mu.Lock()
	t.files[rel] = rel
	t.mu.Unlock()
	full := filepath.Join(t.staging, filepath.FromSlash(rel))
	dir := filepath.Dir(full)
	if _, ok := t.dirs.Load(dir); !ok {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		t.dirs.Store(dir, true)
	}
	return full, nil
}

// Counts returns how many HTML pages and other files the build produced,
// written or unchanged.
func (t *Target) Counts() (pages, files int) {
	return int(t.pages.Load()), int(t.others.Load())
}

// Summary is what a commit did.
type Summary struct {
	Written   int // files written or rewritten
	Unchanged int // files of the earlier output left as they were
	Removed   int // files of the earlier output that the new one no longer has
	Kept      int // files in the folder this generator did not write, kept
}

// Commit makes the staged output the destination's content.
func (t *Target) Commit() (Summary, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return Summary{}, errors.New("output already committed or discarded")
	}
	t.done = true
	defer t.cleanup()
	files := make([]string, 0, len(t.files))
	for rel := range t.files {
		files = append(files, rel)
	}
	next := &manifest{Generator: generatorName, Format: manifestFormat, State: "complete", Files: files}
	if !t.inPlace {
		if err := writeManifest(filepath.Join(t.staging, ManifestName), next); err != nil {
			return Summary{}, t.fail("writing", ManifestName, err)
		}
		if err := os.Remove(filepath.Join(t.staging, stagingMarker)); err != nil {
			return Summary{}, err
		}
		if err := os.Rename(t.staging, t.dir); err != nil {
			return Summary{}, fmt.Errorf("cannot move the new output into place: %w", err)
		}
		unlockDir(t.lock)
		t.lock = nil
		t.staging = ""
		return Summary{Written: len(files)}, nil
	}
	return t.commitInPlace(next)
}

// commitInPlace renames the changed files into the destination, then
// removes what the earlier output had and the new one has not. While it
// runs, the manifest lists both, so an interrupted commit still leaves a
// folder the next build recognises and repairs.
func (t *Target) commitInPlace(next *manifest) (Summary, error) {
	var s Summary
	s.Kept = t.foreign
	var changed, gone []string
	for rel, name := range t.files {
		if name != "" {
			changed = append(changed, rel)
		}
	}
	for rel := range t.prev {
		if _, ok := t.files[rel]; !ok {
			gone = append(gone, rel)
		}
	}
	s.Written, s.Unchanged, s.Removed = len(changed), len(t.files)-len(changed), len(gone)
	if len(changed) == 0 && len(gone) == 0 {
		if _, err := os.Stat(filepath.Join(t.dir, ManifestName)); err == nil {
			if m, err := readManifest(t.dir); err == nil && m.State == "complete" {
				return s, nil
			}
		}
	}
	// Files that name others (pages) go last, so that a reader never finds
	// a name whose file is not there yet; removals come after them all.
	page := func(rel string) bool { return strings.HasSuffix(rel, ".html") }
	slices.SortFunc(changed, func(a, b string) int {
		if pa, pb := page(a), page(b); pa != pb {
			if pa {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	slices.Sort(gone)

	union := &manifest{Generator: generatorName, Format: manifestFormat, State: "updating", Files: append(slices.Clone(next.Files), gone...)}
	if err := t.placeManifest(union); err != nil {
		return Summary{}, err
	}
	for d := range t.blocking {
		if err := os.Remove(filepath.Join(t.dir, filepath.FromSlash(d))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Summary{}, t.fail("replacing", d, err)
		}
	}
	// Folders first: making them is what can run out of space, and a
	// failure there leaves nothing but empty folders.
	made := map[string]bool{}
	for _, rel := range changed {
		if dir := path.Dir(rel); !made[dir] {
			if err := os.MkdirAll(filepath.Join(t.dir, filepath.FromSlash(dir)), 0o755); err != nil {
				return Summary{}, t.fail("writing", rel, err)
			}
			made[dir] = true
		}
	}
	for _, rel := range changed {
		if err := os.Rename(filepath.Join(t.staging, t.files[rel]), filepath.Join(t.dir, filepath.FromSlash(rel))); err != nil {
			return Summary{}, t.fail("writing", rel, err)
		}
	}
	var parents []string
	for _, rel := range gone {
		if t.blocking[rel] {
			continue
		}
		if err := os.Remove(filepath.Join(t.dir, filepath.FromSlash(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Summary{}, t.fail("removing", rel, err)
		}
		for d := path.Dir(rel); d != "."; d = path.Dir(d) {
			parents = append(parents, d)
		}
	}
	// Folders the removals emptied go too (deepest first); a folder that
	// still holds anything, such as a file kept for the user, stays.
	slices.SortFunc(parents, func(a, b string) int {
		if n := strings.Count(b, "/") - strings.Count(a, "/"); n != 0 {
			return n
		}
		return strings.Compare(a, b)
	})
	for _, d := range slices.Compact(parents) {
		if _, needed := t.files[d]; needed {
			continue
		}
		_ = os.Remove(filepath.Join(t.dir, filepath.FromSlash(d))) // fails, as it should, when not empty
	}
	if err := t.placeManifest(next); err != nil {
		return Summary{}, err
	}
	return s, nil
}

// placeManifest writes m into the destination through the staging folder.
func (t *Target) placeManifest(m *manifest) error {
	tmp := filepath.Join(t.staging, ManifestName)
	if err := writeManifest(tmp, m); err != nil {
		return t.fail("writing", ManifestName, err)
	}
	if err := os.Rename(tmp, filepath.Join(t.dir, ManifestName)); err != nil {
		return t.fail("writing", ManifestName, err)
	}
	return nil
}

// Discard removes the staging folder, leaving the destination as it was.
// It does nothing after Commit.
func (t *Target) Discard() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return
	}
	t.done = true
	t.cleanup()
}

func (t *Target) cleanup() {
	if t.lock != nil {
		unlockDir(t.lock)
		t.lock = nil
	}
	if t.staging != "" {
		_ = os.RemoveAll(t.staging)
		t.staging = ""
	}
}
