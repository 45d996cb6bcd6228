package site

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"sync"

	"vepkb/generator/internal/render"
)

// recorder passes writes through and remembers each file's hash and size,
// for offline.json: what a reader's device downloads to keep the site.
type recorder struct {
	w     render.Writer
	mu    sync.Mutex
	files map[string]fileSum
	// exclude are files the device does not keep (the offline copy).
	exclude map[string]bool
}

type fileSum struct {
	sum  [32]byte
	size int64
}

func (r *recorder) note(rel string, s fileSum) {
	r.mu.Lock()
	r.files[path.Clean("/" + rel)[1:]] = s
	r.mu.Unlock()
}

// WriteFile implements render.Writer.
func (r *recorder) WriteFile(rel string, data []byte) error {
	if err := r.w.WriteFile(rel, data); err != nil {
		return err
	}
	r.note(rel, fileSum{sha256.Sum256(data), int64(len(data))})
	return nil
}

// CopyFile implements render.Writer.
func (r *recorder) CopyFile(rel, src string) error {
	if err := r.w.CopyFile(rel, src); err != nil {
		return err
	}
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return err
	}
	var s fileSum
	copy(s.sum[:], h.Sum(nil))
	s.size = n
	r.note(rel, s)
	return nil
}

// servedOnly reports whether a file of the output is there only for a web
// server: the compressed copies servers choose among (a browser keeps what
// it receives) and the service worker. Neither a device's offline copy nor
// the zip holds them.
func servedOnly(rel string) bool {
	return strings.HasSuffix(rel, ".gz") || strings.HasSuffix(rel, ".br") || rel == "sw.js"
}

// offlineManifest is offline.json: the build's version (a hash of every
// file) and the site paths a device keeps.
type offlineManifest struct {
	Version string   `json:"version"`
	Size    int64    `json:"size"`
	Files   []string `json:"files"`
}

// manifest lists what a device keeps: every file but those only servers
// need (servedOnly) and those excluded. Pages are listed by their URL
// ("/guide/").
func (r *recorder) manifest(base string) []byte {
	m := offlineManifest{Files: []string{}}
	h := sha256.New()
	for _, rel := range slices.Sorted(maps.Keys(r.files)) {
		if servedOnly(rel) || r.exclude[rel] {
			continue
		}
		s := r.files[rel]
		h.Write([]byte(rel))
		h.Write(s.sum[:])
		m.Size += s.size
		u := rel
		if u == "index.html" {
			u = ""
		} else if strings.HasSuffix(u, "/index.html") {
			u = strings.TrimSuffix(u, "index.html")
		}
		m.Files = append(m.Files, strings.TrimSuffix(base, "/")+"/"+u)
	}
	m.Version = hex.EncodeToString(h.Sum(nil))[:16]
	data, _ := json.Marshal(m)
	return append(data, '\n')
}
