package site

import (
	"bytes"
	"compress/gzip"
	"sync"

	"github.com/andybalholm/brotli"

	"vepkb/generator/internal/diag"
	"vepkb/generator/internal/par"
	"vepkb/generator/internal/render"
	"vepkb/generator/internal/search"
	"vepkb/generator/kbsearch/kbxwrite"
)

// SearchDir is the output folder of the search index.
const SearchDir = "search/"

// BrotliQuality is the brotli level of pre-compressed index files: 9 is
// within a few per cent of 11 in size at a fraction of the time.
const BrotliQuality = 9

// buildSearch indexes the site and writes the index files, each with .gz and
// .br beside it. It returns the site path of the manifest.
func buildSearch(l *Loaded, w render.Writer, workers int) (string, []diag.Diagnostic) {
	type file struct {
		name string
		data []byte
	}
	var mu sync.Mutex
	var files []file
	man, _, err := search.Build(l.Content, l.Config.Base.Path, l.Config.Search.PageSize, func(name string, data []byte) error {
		mu.Lock()
		files = append(files, file{name, data})
		mu.Unlock()
		return nil
	})
	if err != nil {
		return "", []diag.Diagnostic{diag.New("search index", 0, 0, "%v", err)}
	}
	man.Extra = map[string]any{"synonyms": l.Config.Search.Synonyms}
	name, data, err := kbxwrite.MarshalManifest(man)
	if err != nil {
		return "", []diag.Diagnostic{diag.New("search index", 0, 0, "%v", err)}
	}
	files = append(files, file{name, data})
	var list diag.List
	par.For(len(files), workers, func(i int) {
		f := files[i]
		list.Guard(SearchDir+f.name, func() {
			if err := writeCompressed(w, SearchDir+f.name, f.data); err != nil {
				list.Addf(SearchDir+f.name, 0, 0, "%v", err)
			}
		})
	})
	return "/" + SearchDir + name, list.Sorted()
}

// writeCompressed writes data as rel, rel.gz and rel.br.
func writeCompressed(w render.Writer, rel string, data []byte) error {
	if err := w.WriteFile(rel, data); err != nil {
		return err
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return err
	}
	if err := w.WriteFile(rel+".gz", gz.Bytes()); err != nil {
		return err
	}
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, BrotliQuality)
	bw.Write(data)
	if err := bw.Close(); err != nil {
		return err
	}
	return w.WriteFile(rel+".br", br.Bytes())
}
