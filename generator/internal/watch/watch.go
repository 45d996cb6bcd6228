// Package watch reports changes to a site's source files for the preview
// server. It watches folders with everything below them through fsnotify
// (which watches one folder at a time, so folders created later are added as
// they appear), leaves out editors' temporary, swap and backup files, and
// turns a burst of events — an editor's atomic save, a git checkout of a
// thousand files — into one batch.
package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"vepkb/generator/internal/editorfiles"
)

// Options say what to watch.
type Options struct {
	Dirs  []string // folders watched with everything below them; they may appear later
	Files []string // single files, such as config.toml
	Skip  []string // folders never watched, such as the output folder
	// A batch is delivered once no event came for Quiet (default 10 ms; an
	// editor's save is a few events within a millisecond), or for
	// BurstQuiet (default 150 ms) once it holds burstSize paths or more (a
	// checkout or a copy in progress), or MaxWait after its first event
	// (default 2 s) while events keep coming.
	Quiet, BurstQuiet, MaxWait time.Duration
}

// burstSize is how many changed paths make a batch a burst.
const burstSize = 16

// Batch is a set of changes.
type Batch struct {
	Paths    []string // changed files and folders (created, written, removed or renamed), sorted
	Overflow bool     // the system dropped events: anything may have changed
}

// Watcher delivers batches of changes.
type Watcher struct {
	fs      *fsnotify.Watcher
	opt     Options
	dirs    map[string]bool // Options.Dirs, cleaned
	files   map[string]bool // Options.Files, cleaned
	parents map[string]bool // folders watched only for Files and Dirs that may appear
	skip    map[string]bool
	batches chan Batch
	errs    chan error
	done    chan struct{}
	stopped chan struct{}
}

// New starts watching. It fails when a folder cannot be watched, with a
// message that tells how to raise the system's limits when they are the
// cause.
func New(opt Options) (*Watcher, error) {
	if opt.Quiet <= 0 {
		opt.Quiet = 10 * time.Millisecond
	}
	if opt.BurstQuiet <= 0 {
		opt.BurstQuiet = 150 * time.Millisecond
	}
	if opt.BurstQuiet < opt.Quiet {
		opt.BurstQuiet = opt.Quiet
	}
	if opt.MaxWait <= 0 {
		opt.MaxWait = 2 * time.Second
	}
	fw, err := fsnotify.NewBufferedWatcher(4096)
	if err != nil {
		return nil, limitError("", err)
	}
	w := &Watcher{fs: fw, opt: opt, dirs: map[string]bool{}, files: map[string]bool{}, parents: map[string]bool{},
		skip: map[string]bool{}, batches: make(chan Batch), errs: make(chan error, 16),
		done: make(chan struct{}), stopped: make(chan struct{})}
	for _, s := range opt.Skip {
		w.skip[clean(s)] = true
	}
	for _, f := range opt.Files {
		w.files[clean(f)] = true
		w.parents[filepath.Dir(clean(f))] = true
	}
	for _, d := range opt.Dirs {
		d = clean(d)
		w.dirs[d] = true
		// Watch its parent too, to see it appear (again).
		w.parents[filepath.Dir(d)] = true
		if _, err := os.Stat(d); err != nil {
			continue
		}
		if _, err := w.addTree(d); err != nil {
			fw.Close()
			return nil, err
		}
	}
	for p := range w.parents {
		if err := fw.Add(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			fw.Close()
			return nil, limitError(p, err)
		}
	}
	go w.loop()
	return w, nil
}

// Batches delivers changes. While the receiver is busy, new changes gather
// into the next batch.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Errors delivers problems that do not stop watching, such as a new folder
// that could not be watched.
func (w *Watcher) Errors() <-chan error { return w.errs }

// Close stops watching.
func (w *Watcher) Close() error {
	select {
	case <-w.done:
		return nil
	default:
	}
	close(w.done)
	err := w.fs.Close()
	<-w.stopped
	return err
}

// WatchedFolders returns how many folders are watched.
func (w *Watcher) WatchedFolders() int { return len(w.fs.WatchList()) }

func clean(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

// addTree watches dir and every folder below it, and returns the files found
// (a folder created with files in it reports them as changes, since their
// events came before the watch).
func (w *Watcher) addTree(dir string) ([]string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // vanished meanwhile
		}
		if p != dir && editorfiles.Temporary(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() {
			found = append(found, p)
			return nil
		}
		if w.skip[p] {
			return filepath.SkipDir
		}
		if err := w.fs.Add(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			return limitError(p, err)
		}
		return nil
	})
	return found, err
}

// LimitError is returned when the system's limit on watches is reached.
type LimitError struct {
	Dir string
	Err error
}

func (e *LimitError) Error() string {
	if errors.Is(e.Err, syscall.EMFILE) {
		return fmt.Sprintf("cannot watch %s: too many inotify instances (fs.inotify.max_user_instances = %s). "+
			"Raise the limit: sudo sysctl fs.inotify.max_user_instances=1024 (to keep it, add "+
			"fs.inotify.max_user_instances=1024 to /etc/sysctl.d/90-inotify.conf)", e.Dir, procValue("max_user_instances"))
	}
	return fmt.Sprintf("cannot watch %s: the system's limit on watched folders is reached (fs.inotify.max_user_watches = %s). "+
		"Raise the limit: sudo sysctl fs.inotify.max_user_watches=524288 (to keep it, add "+
		"fs.inotify.max_user_watches=524288 to /etc/sysctl.d/90-inotify.conf)", e.Dir, procValue("max_user_watches"))
}

func (e *LimitError) Unwrap() error { return e.Err }

func procValue(name string) string {
	data, err := os.ReadFile("/proc/sys/fs/inotify/" + name)
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(data))
}

// limitError explains the errors by which inotify says a limit is reached
// (ENOSPC for watches, EMFILE for instances); other errors get the folder.
func limitError(dir string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) {
		return &LimitError{Dir: dir, Err: err}
	}
	if dir == "" {
		return fmt.Errorf("cannot start watching files: %w", err)
	}
	return fmt.Errorf("cannot watch %s: %w", dir, err)
}

// relevant reports whether an event's path concerns the site, and records
// folders that must be watched from now on.
func (w *Watcher) relevant(name string) bool {
	if editorfiles.Temporary(filepath.Base(name)) || w.skip[name] {
		return false
	}
	dir := filepath.Dir(name)
	if w.files[name] || w.dirs[name] {
		return true
	}
	// Below a watched tree?
	for d := dir; ; d = filepath.Dir(d) {
		if w.skip[d] {
			return false
		}
		if w.dirs[d] {
			return true
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}

func (w *Watcher) loop() {
	defer close(w.stopped)
	pending := map[string]bool{}
	overflow := false
	var first, last time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	ready := false
	schedule := func() {
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		last = now
		ready = false
		quiet := w.opt.Quiet
		if len(pending) >= burstSize {
			quiet = w.opt.BurstQuiet
		}
		deadline := last.Add(quiet)
		if max := first.Add(w.opt.MaxWait); max.Before(deadline) {
			deadline = max
		}
		timer.Reset(time.Until(deadline))
	}
	for {
		var out chan Batch
		var batch Batch
		if ready {
			out = w.batches
			batch = Batch{Paths: slices.Sorted(maps.Keys(pending)), Overflow: overflow}
		}
		select {
		case <-w.done:
			timer.Stop()
			return
		case out <- batch:
			pending, overflow, ready = map[string]bool{}, false, false
			first, last = time.Time{}, time.Time{}
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			if !w.relevant(ev.Name) {
				continue
			}
			pending[ev.Name] = true
			if ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove) {
				// A folder moved away keeps its watches under the old
				// name: drop them; its new name is added when created.
				w.unwatch(ev.Name)
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Lstat(ev.Name); err == nil && st.IsDir() && !w.skip[ev.Name] {
					found, err := w.addTree(ev.Name)
					if err != nil {
						w.report(err)
					}
					for _, f := range found {
						pending[f] = true
					}
				}
			}
			schedule()
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				overflow = true
				schedule()
				continue
			}
			w.report(err)
		case <-timer.C:
			ready = len(pending) > 0 || overflow
		}
	}
}

// unwatch stops watching dir and the folders below it.
func (w *Watcher) unwatch(dir string) {
	for _, p := range w.fs.WatchList() {
		if (p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))) && !w.parents[p] {
			_ = w.fs.Remove(p)
		}
	}
}

func (w *Watcher) report(err error) {
	select {
	case w.errs <- err:
	default: // nobody is listening; keep watching
	}
}
