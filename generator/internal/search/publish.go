package search

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"

	"vepkb/generator/internal/config"
	"vepkb/generator/internal/content"
	"vepkb/generator/internal/diag"
	"vepkb/generator/internal/par"
	"vepkb/generator/internal/render"
	"vepkb/generator/internal/search/kbxwrite"
	"vepkb/generator/internal/search/wasmclient"
	"vepkb/generator/kbsearch/kbx"
)

// Dir is the output folder of the search index.
const Dir = "search-index/"

// PreviewFiles are the fixed names of the search files in previews.
var PreviewFiles = render.SearchFiles{
	Index:   "/" + Dir + "index.json",
	Engine:  "/assets/search/engine.wasm",
	Runtime: "/assets/search/wasm_exec.js",
}

// PublishOptions control Publish.
type PublishOptions struct {
	Workers int                  // parallel compression
	Logf    func(string, ...any) // progress notes (may be nil)
	// Preview uses fixed names (PreviewFiles) and writes no compressed
	// copies: pages then do not change when the index does, and the local
	// preview server has no use for compression.
	Preview bool
}

// Compression. The index files are stored deflated (kbx.EncodingDeflateRaw):
// one file each, small whatever the server does, as Pagefind stores its
// index. Measured on all pages of an index, against the brotli 9 / 4 copies
// written before beside each file, and their gzip 9 / 1 copies: the 1,000-page
// corpus's 14.2 MB, deflate 6 6.10 MB in 0.7 s (brotli 9 5.81 MB in 2.6 s,
// brotli 5 5.83 MB in 1.4 s, gzip 9 6.08 MB in 1.4 s); the 10,000-page
// corpus's 140 MB, deflate 4 59.2 MB in 4.8 s (6: 58.4 MB in 7.6 s; 1:
// 63.5 MB in 2.7 s; brotli 4 57.5 MB in 5 s). The manifest, the engine and
// its runtime keep .br and .gz copies (brotli 9, gzip 9) beside them.
const (
	largeIndex                 = 32 << 20
	deflateSmall, deflateLarge = 6, 4
	brotliLevel, gzLevel       = 9, gzip.BestCompression
)

// Publish indexes the site and writes the index files (deflated, the
// manifest with .gz and .br beside it) and the search engine (with .gz and
// .br) through w; see PublishOptions.Preview.
// It returns their site paths. It stops when ctx is done (the caller reports
// why).
func Publish(ctx context.Context, site *content.Site, cfg *config.Config, w render.Writer, o PublishOptions) (render.SearchFiles, []diag.Diagnostic) {
	workers, logf, preview := o.Workers, o.Logf, o.Preview
	var sf render.SearchFiles
	engine, err := buildEngine(ctx, logf)
	if err != nil {
		if ctx.Err() != nil {
			return sf, nil
		}
		return sf, []diag.Diagnostic{diag.New("search engine", 0, 0, "%v", err)}
	}
	sf.Engine = "/assets/search/engine." + shortHash(engine.Wasm) + ".wasm"
	sf.Runtime = "/assets/search/wasm_exec." + shortHash(engine.WasmExec) + ".js"
	if preview {
		sf = PreviewFiles
		for _, f := range []struct {
			rel  string
			data []byte
		}{{sf.Engine, engine.Wasm}, {sf.Runtime, engine.WasmExec}} {
			if err := w.WriteFile(strings.TrimPrefix(f.rel, "/"), f.data); err != nil {
				return sf, []diag.Diagnostic{diag.New(f.rel, 0, 0, "%v", err)}
			}
		}
	}
	for _, f := range []struct {
		rel  string
		data []byte
	}{
		{sf.Engine, engine.Wasm}, {sf.Engine + ".br", engine.WasmBr}, {sf.Engine + ".gz", engine.WasmGz},
	} {
		if preview {
			break
		}
		if err := w.WriteFile(strings.TrimPrefix(f.rel, "/"), f.data); err != nil {
			return sf, []diag.Diagnostic{diag.New(f.rel, 0, 0, "%v", err)}
		}
	}
	if !preview {
		if err := writeCompressed(w, strings.TrimPrefix(sf.Runtime, "/"), engine.WasmExec, brotliLevel, gzLevel); err != nil {
			return sf, []diag.Diagnostic{diag.New(sf.Runtime, 0, 0, "%v", err)}
		}
	}
	type file struct {
		name string
		data []byte
	}
	var mu sync.Mutex
	var files []file
	opts := kbxwrite.Options{PageSize: cfg.Search.PageSize, Dictionary: kbxwrite.DictionarySize}
	if preview {
		opts.Dictionary = 0 // nothing is compressed
	}
	man, _, err := Build(ctx, site, cfg.Base.Path, opts, func(name string, data []byte) error {
		mu.Lock()
		files = append(files, file{name, data})
		mu.Unlock()
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return sf, nil
		}
		return sf, []diag.Diagnostic{diag.New("search index", 0, 0, "%v", err)}
	}
	man.Extra = map[string]any{"synonyms": cfg.Search.Synonyms}
	if !preview {
		man.Encoding = kbx.EncodingDeflateRaw
	}
	name, data, err := kbxwrite.MarshalManifest(man)
	if err != nil {
		return sf, []diag.Diagnostic{diag.New("search index", 0, 0, "%v", err)}
	}
	if preview {
		name = "index.json"
	}
	var list diag.List
	total := 0
	for _, f := range files {
		total += len(f.data)
	}
	level := deflateSmall
	if total > largeIndex {
		level = deflateLarge
	}
	var dict []byte
	for _, f := range files {
		if f.name == man.Dictionary {
			dict = f.data
		}
	}
	withDict, plain := deflaterPool(level, dict), deflaterPool(level, nil)
	manifest := len(files)
	files = append(files, file{name, data})
	_ = par.ForContext(ctx, len(files), workers, func(i int) {
		f := files[i]
		list.Guard(Dir+f.name, func() {
			var err error
			switch {
			case preview:
				err = w.WriteFile(Dir+f.name, f.data)
			case i == manifest:
				err = writeCompressed(w, Dir+f.name, f.data, brotliLevel, gzLevel)
			case f.name == man.Dictionary:
				err = plain.write(w, Dir+f.name, f.data)
			default:
				err = withDict.write(w, Dir+f.name, f.data)
			}
			if err != nil {
				list.Addf(Dir+f.name, 0, 0, "%v", err)
			}
		})
	})
	if !preview {
		sf.Index = "/" + Dir + name
	}
	return sf, list.Sorted()
}

// buildEngine compiles (or takes from the cache) the search engine, giving
// up when ctx is done: the compiler is stopped, and compressing a freshly
// compiled engine, which cannot be interrupted, finishes in the background.
func buildEngine(ctx context.Context, logf func(string, ...any)) (*wasmclient.Engine, error) {
	type result struct {
		e   *wasmclient.Engine
		err error
	}
	done := make(chan result, 1)
	go func() {
		e, err := wasmclient.Build(ctx, logf)
		done <- result{e, err}
	}()
	select {
	case r := <-done:
		return r.e, r.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func shortHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])[:10]
}

// writeCompressed writes data as rel, rel.gz and rel.br.
func writeCompressed(w render.Writer, rel string, data []byte, brLevel, gzLevel int) error {
	if err := w.WriteFile(rel, data); err != nil {
		return err
	}
	var gz bytes.Buffer
	zw := gzipWriter(gzLevel, &gz)
	zw.Write(data)
	err := zw.Close()
	putWriter(gzLevel, zw)
	if err != nil {
		return err
	}
	if err := w.WriteFile(rel+".gz", gz.Bytes()); err != nil {
		return err
	}
	var br bytes.Buffer
	lg := brotliWindow(len(data))
	bw := brotliWriter(brLevel, lg, &br)
	bw.Write(data)
	err = bw.Close()
	putWriter(brotliKey(brLevel, lg), bw)
	if err != nil {
		return err
	}
	return w.WriteFile(rel+".br", br.Bytes())
}

// deflaters compresses files with one preset dictionary (none when nil),
// its writers pooled for the build (a flate.Writer keeps its dictionary
// across Reset).
type deflaters struct{ pool sync.Pool }

func deflaterPool(level int, dict []byte) *deflaters {
	d := &deflaters{}
	d.pool.New = func() any {
		fw, _ := flate.NewWriterDict(nil, level, dict)
		return fw
	}
	return d
}

// write writes data as rel, stored as raw DEFLATE with the dictionary.
func (d *deflaters) write(w render.Writer, rel string, data []byte) error {
	var out bytes.Buffer
	fw := d.pool.Get().(*flate.Writer)
	fw.Reset(&out)
	fw.Write(data)
	err := fw.Close()
	d.pool.Put(fw)
	if err != nil {
		return err
	}
	return w.WriteFile(rel, out.Bytes())
}

// Compressors are pooled by level: each brotli writer allocates megabytes
// of tables, and a large index has tens of thousands of small files (making
// a new writer for each took a fifth of the 10k corpus's build).
var writerPools sync.Map // gzip: level, brotli: brotliKey → *sync.Pool

func pooled(key int) any {
	p, _ := writerPools.LoadOrStore(key, &sync.Pool{})
	return p.(*sync.Pool).Get()
}

func putWriter(key int, w any) {
	p, _ := writerPools.LoadOrStore(key, &sync.Pool{})
	p.(*sync.Pool).Put(w)
}

func gzipWriter(level int, out io.Writer) *gzip.Writer {
	if zw, ok := pooled(level).(*gzip.Writer); ok {
		zw.Reset(out)
		return zw
	}
	zw, _ := gzip.NewWriterLevel(out, level)
	return zw
}

// brotliWindow is the window (log2 of its size; 0: brotli's default) for
// compressing n bytes. Below 64 KiB a window of 2^16 holds the whole input,
// and brotli then keeps its matches in a far smaller table: for the
// manifest and the runtime (17-37 KB), the same sizes within 31 bytes, 5×
// faster, and not the 32 MB each writer's table took at quality 9.
func brotliWindow(n int) int {
	if n <= 1<<16-16 {
		return 16
	}
	return 0
}

func brotliKey(level, lgwin int) int { return -(level*32 + lgwin) - 1 }

func brotliWriter(level, lgwin int, out io.Writer) *brotli.Writer {
	if bw, ok := pooled(brotliKey(level, lgwin)).(*brotli.Writer); ok {
		bw.Reset(out)
		return bw
	}
	return brotli.NewWriterOptions(out, brotli.WriterOptions{Quality: level, LGWin: lgwin})
}
