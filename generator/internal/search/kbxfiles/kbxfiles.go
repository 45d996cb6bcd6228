// Package kbxfiles opens a built site's search index from its folder, as the
// browser reads it: the manifest, then index files on demand, inflated when
// the manifest says they are stored compressed. Tests, benchmarks and tools
// use it; the browser client fetches the same files over HTTP.
package kbxfiles

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"vepkb/generator/kbsearch/kbx"
)

// Manifest reads the manifest of the index in dir: index.<hash>.json as a
// build writes it, or index.json as the preview does.
func Manifest(dir string) (*kbx.Manifest, error) {
	matches, _ := filepath.Glob(filepath.Join(dir, "index.*.json"))
	if len(matches) == 0 {
		matches, _ = filepath.Glob(filepath.Join(dir, "index.json"))
	}
	if len(matches) != 1 {
		return nil, fmt.Errorf("%s: %d search index manifests, want one", dir, len(matches))
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		return nil, err
	}
	var man kbx.Manifest
	if err := json.Unmarshal(data, &man); err != nil {
		return nil, fmt.Errorf("%s: %w", matches[0], err)
	}
	return &man, nil
}

// Open opens the index in dir.
func Open(dir string) (*kbx.Index, error) {
	man, err := Manifest(dir)
	if err != nil {
		return nil, err
	}
	return kbx.Open(man, &Source{Dir: dir, Encoding: man.Encoding, Dictionary: man.Dictionary})
}

// Source reads index files from a folder, inflating them when Encoding is
// kbx.EncodingDeflateRaw, with the preset dictionary in the file named
// Dictionary when there is one (kbx.Manifest.Dictionary).
type Source struct {
	Dir        string
	Encoding   string
	Dictionary string

	once sync.Once
	dict []byte
	err  error
}

// Fetch implements kbx.PageSource.
func (s *Source) Fetch(_ context.Context, name string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(s.Dir, name))
	if err != nil || s.Encoding == "" {
		return data, err
	}
	if s.Dictionary == "" || name == s.Dictionary {
		return Decode(s.Encoding, nil, data)
	}
	s.once.Do(func() {
		s.dict, s.err = s.Fetch(context.Background(), s.Dictionary)
	})
	if s.err != nil {
		return nil, fmt.Errorf("the preset dictionary: %w", s.err)
	}
	return Decode(s.Encoding, s.dict, data)
}

// Decode returns the bytes of an index file stored with encoding, given
// the preset dictionary it was compressed with (nil: none).
func Decode(encoding string, dict, data []byte) ([]byte, error) {
	switch encoding {
	case "":
		return data, nil
	case kbx.EncodingDeflateRaw:
		out, err := io.ReadAll(flate.NewReaderDict(bytes.NewReader(data), dict))
		if err != nil {
			return nil, fmt.Errorf("inflating an index file: %w", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("index files encoded as %q: this reader knows %q", encoding, kbx.EncodingDeflateRaw)
}
