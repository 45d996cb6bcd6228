package site

import (
	"bytes"
	"context"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"vepkb/generator/internal/filecopy"
	"vepkb/generator/internal/render"
)

// copySizeToken stands for the offline copy's size in the pages that link
// to it until the copy is made. The copy's own pages leave that link out
// (filecopy.OmitAttr), so the copy does not depend on its size; the pages
// that hold the token are written last, with the size in its place (the
// way Hugo's resources.PostProcess fills placeholders).
const copySizeToken = "kb-offline-copy-size-7c1e0d"

// copyWriter passes writes through and gives every file to the offline
// copy; pages that show the copy's size wait for it.
type copyWriter struct {
	w    render.Writer
	copy *filecopy.Copy
	zip  string // site path of the copy ("x-offline.zip")
	mu   sync.Mutex
	held map[string][]byte
}

func newCopyWriter(w render.Writer, l *Loaded) *copyWriter {
	zipRel := strings.TrimPrefix(l.Config.OfflineCopyPath(), "/")
	skip := func(rel string) bool {
		return servedOnly(rel) || rel == "offline.json" || rel == zipRel
	}
	return &copyWriter{w: w, zip: zipRel, held: map[string][]byte{}, copy: filecopy.New(filecopy.Options{
		Folder: strings.TrimSuffix(path.Base(zipRel), ".zip"), Base: l.Config.Base.Path,
		Modified: newestDate(l), Skip: skip})}
}

// newestDate is the newest date of the site's pages: the copy's files get
// it, so that the copy is the same for the same content.
func newestDate(l *Loaded) time.Time {
	var t time.Time
	for _, p := range l.Content.Pages {
		for _, d := range []time.Time{p.Date(), p.Lastmod()} {
			if d.After(t) {
				t = d
			}
		}
	}
	return t
}

var copySizeBytes = []byte(copySizeToken)

// WriteFile implements render.Writer.
func (c *copyWriter) WriteFile(rel string, data []byte) error {
	if bytes.Contains(data, copySizeBytes) {
		c.mu.Lock()
		c.held[rel] = data
		c.mu.Unlock()
		return c.copy.Add(rel, bytes.ReplaceAll(data, copySizeBytes, nil))
	}
	if err := c.w.WriteFile(rel, data); err != nil {
		return err
	}
	return c.copy.Add(rel, data)
}

// CopyFile implements render.Writer.
func (c *copyWriter) CopyFile(rel, src string) error {
	if err := c.w.CopyFile(rel, src); err != nil {
		return err
	}
	c.copy.AddFile(rel, src)
	return nil
}

// finish writes the copy, then the pages that link to it with its size.
func (c *copyWriter) finish(ctx context.Context, workers int) error {
	data, err := c.copy.Zip(ctx, workers)
	if err != nil {
		return err
	}
	if err := c.w.WriteFile(c.zip, data); err != nil {
		return err
	}
	size := []byte(render.FileSize(int64(len(data))))
	for _, rel := range slices.Sorted(maps.Keys(c.held)) {
		if err := c.w.WriteFile(rel, bytes.ReplaceAll(c.held[rel], copySizeBytes, size)); err != nil {
			return err
		}
	}
	return nil
}
