// Package filecopy makes the offline copy of a built site: a zip archive
// that works when unpacked and opened from the files (file://, no server),
// for a USB stick or a laptop with no network.
//
// Two things change from the published site. Links become relative and end
// in index.html where they name a folder (RewriteHTML), since no server
// maps "guide/" to "guide/index.html". And browsers refuse fetch over
// file://, so every file a script fetches (JSON, the WebAssembly engine,
// the search index's pages) is shipped instead as a script that hands its
// bytes to the page, which a <script> element may load from a file: the
// wrapper of "search/x.kbx" is "search/x.kbx.js", and it calls
// kbFile(data, encoding) (see Wrap). A theme marks the element whose script
// fetches with LoadAttr; in the copy it says "script" and gives the way to
// the root in RootAttr.
//
// The archive is deterministic: entries sorted, one fixed time, fixed
// compression.
package filecopy

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"vepkb/generator/internal/par"
)

// WrapFunc is the function a wrapper script calls with its file's data.
const WrapFunc = "kbFile"

// Options describe a copy.
type Options struct {
	// Folder is the archive's top folder, which unpacking creates
	// ("knowledge-base-offline"); index.html is in it.
	Folder string
	// Base is the site's base path ("/" or "/kb/"): links under it are
	// made relative.
	Base string
	// Modified is every entry's time (the newest content date, say).
	Modified time.Time
	// Skip leaves files out (the compressed copies servers choose among,
	// the service worker).
	Skip func(rel string) bool
}

// Copy collects a site's files as the offline copy needs them. Add and
// AddFile are safe for concurrent use.
type Copy struct {
	opt     Options
	mu      sync.Mutex
	entries map[string]*entry
	later   map[string]string // site path → source file, read by Zip
}

type entry struct {
	method uint16
	crc    uint32
	size   uint64
	data   []byte // compressed with method
}

// New returns an empty copy.
func New(opt Options) *Copy {
	if opt.Base == "" {
		opt.Base = "/"
	}
	return &Copy{opt: opt, entries: map[string]*entry{}, later: map[string]string{}}
}

// Add puts the site's file rel ("guide/index.html") with its bytes into
// the copy, changed as the copy needs it (see the package comment).
func (c *Copy) Add(rel string, data []byte) error {
	if c.opt.Skip != nil && c.opt.Skip(rel) {
		return nil
	}
	if strings.HasSuffix(rel, ".html") {
		data = RewriteHTML(rel, data, c.opt.Base)
	} else if w, ok := Wrap(rel, data); ok {
		rel, data = rel+".js", w
	}
	e, err := compress(rel, data)
	if err != nil {
		return fmt.Errorf("offline copy: %s: %w", rel, err)
	}
	c.mu.Lock()
	c.entries[rel] = e
	c.mu.Unlock()
	return nil
}

// AddFile puts the site's file rel, a copy of src, into the copy; src is
// read by Zip.
func (c *Copy) AddFile(rel, src string) {
	if c.opt.Skip != nil && c.opt.Skip(rel) {
		return
	}
	c.mu.Lock()
	c.later[rel] = src
	c.mu.Unlock()
}

// Wrap returns the wrapper script of a file that scripts fetch: JSON, the
// WebAssembly engine and the search index's pages (.json, .wasm, .kbx). A
// wrapper calls kbFile(value) with the JSON value, or kbFile(text,
// "base64") with the bytes in base64. ok is false for other files.
func Wrap(rel string, data []byte) (script []byte, ok bool) {
	var b bytes.Buffer
	switch path.Ext(rel) {
	case ".json":
		b.Grow(len(data) + 16)
		b.WriteString(WrapFunc + "(")
		b.Write(bytes.TrimSpace(data))
		b.WriteString(");\n")
	case ".wasm", ".kbx":
		b.Grow(base64.StdEncoding.EncodedLen(len(data)) + 32)
		b.WriteString(WrapFunc + `("`)
		enc := base64.NewEncoder(base64.StdEncoding, &b)
		enc.Write(data)
		enc.Close()
		b.WriteString(`","base64");` + "\n")
	default:
		return nil, false
	}
	return b.Bytes(), true
}

// stored are kinds of file that are compressed already.
var stored = map[string]bool{".pdf": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true,
	".avif": true, ".woff2": true, ".woff": true, ".zip": true, ".gz": true, ".br": true, ".mp4": true, ".webm": true, ".mp3": true}

var flaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.DefaultCompression)
	return w
}}

func compress(rel string, data []byte) (*entry, error) {
	e := &entry{crc: crc32.ChecksumIEEE(data), size: uint64(len(data))}
	if stored[strings.ToLower(path.Ext(rel))] || len(data) < 64 {
		e.method, e.data = zip.Store, data
		return e, nil
	}
	var b bytes.Buffer
	b.Grow(len(data) / 3)
	w := flaters.Get().(*flate.Writer) // each holds about 1 MB of tables: reused
	defer flaters.Put(w)
	w.Reset(&b)
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if b.Len() >= len(data) {
		e.method, e.data = zip.Store, data
		return e, nil
	}
	e.method, e.data = zip.Deflate, b.Bytes()
	return e, nil
}

// Zip reads the files given to AddFile and returns the archive. It stops
// when ctx is done and returns ctx's cause.
func (c *Copy) Zip(ctx context.Context, workers int) ([]byte, error) {
	later := slices.Sorted(maps.Keys(c.later))
	errs := make([]error, len(later))
	if err := par.ForContext(ctx, len(later), workers, func(i int) {
		data, err := os.ReadFile(c.later[later[i]])
		if err == nil {
			err = c.Add(later[i], data)
		}
		errs[i] = err
	}); err != nil {
		return nil, context.Cause(ctx)
	}
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("offline copy: %w", err)
		}
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	modified := c.opt.Modified.UTC()
	for _, rel := range slices.Sorted(maps.Keys(c.entries)) {
		if err := ctx.Err(); err != nil {
			return nil, context.Cause(ctx)
		}
		e := c.entries[rel]
		fh := &zip.FileHeader{Name: c.opt.Folder + "/" + rel, Method: e.method, CRC32: e.crc,
			CompressedSize64: uint64(len(e.data)), UncompressedSize64: e.size, ReaderVersion: 20}
		fh.SetMode(0o644)
		fh.CreatorVersion |= 20
		fh.ModifiedDate, fh.ModifiedTime = dosTime(modified)
		if !isASCII(fh.Name) {
			fh.Flags |= 0x800 // the name is UTF-8
		}
		w, err := zw.CreateRaw(fh)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// dosTime is t as MS-DOS date and time fields (2-second precision, from
// 1980, as zip stores them).
func dosTime(t time.Time) (date, clock uint16) {
	if t.Year() < 1980 {
		t = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	date = uint16(t.Day() + int(t.Month())<<5 + (t.Year()-1980)<<9)
	clock = uint16(t.Second()/2 + t.Minute()<<5 + t.Hour()<<11)
	return date, clock
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
