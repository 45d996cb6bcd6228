package site

import (
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// DirWriter writes output files under a folder. It is safe for concurrent use.
type DirWriter struct {
	root  string
	dirs  sync.Map
	pages atomic.Int64
	files atomic.Int64
}

// NewDirWriter returns a writer rooted at dir.
func NewDirWriter(dir string) *DirWriter { return &DirWriter{root: dir} }

func (w *DirWriter) target(rel string) (string, error) {
	rel = path.Clean("/" + rel)[1:]
	full := filepath.Join(w.root, filepath.FromSlash(rel))
	dir := filepath.Dir(full)
	if _, ok := w.dirs.Load(dir); !ok {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		w.dirs.Store(dir, true)
	}
	return full, nil
}

// WriteFile implements render.Writer.
func (w *DirWriter) WriteFile(rel string, data []byte) error {
	full, err := w.target(rel)
	if err != nil {
		return err
	}
	if strings.HasSuffix(rel, ".html") {
		w.pages.Add(1)
	} else {
		w.files.Add(1)
	}
	return os.WriteFile(full, data, 0o644)
}

// CopyFile implements render.Writer.
func (w *DirWriter) CopyFile(rel, src string) error {
	full, err := w.target(rel)
	if err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(full, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	w.files.Add(1)
	return out.Close()
}

// Counts returns how many HTML pages and other files were written.
func (w *DirWriter) Counts() (pages, files int) {
	return int(w.pages.Load()), int(w.files.Load())
}
