//go:build js && wasm

// Command searchclient is the site search engine compiled to WebAssembly.
// It opens the static index (fetching pages through the page's JavaScript)
// and answers queries with Bleve's query engine. It exposes one global,
// kbSearch, whose methods return Promises:
//
//	kbSearch.open(manifest)   start using an index (the parsed manifest object)
//	kbSearch.search(request)  → result object
//	kbSearch.stats()          → {fetched: bytes}
//
// Requests and the manifest cross the boundary as JavaScript values, not
// JSON text: decoding with encoding/json would keep every UnmarshalJSON
// method of Bleve's query types and with them its query-string parser, about
// 300 KB of download. Results go out as JSON text, parsed by the page's
// JSON.parse: json's encoder is linked anyway.
//
// Pages are fetched by calling the global function kbFetch(name), which
// returns a Promise of a Uint8Array (uncompressed).
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/blevesearch/bleve/v2/mapping"

	"vepkb/generator/kbsearch/engine"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

type jsSource struct{}

type fetchResult struct {
	data []byte
	err  error
}

// Fetch calls kbFetch(name) and waits for its Promise. It runs in a
// goroutine, never inside a JavaScript callback, so waiting lets the
// browser's event loop run.
func (jsSource) Fetch(ctx context.Context, name string) ([]byte, error) {
	ch := make(chan fetchResult, 1)
	var onOK, onErr js.Func
	onOK = js.FuncOf(func(this js.Value, args []js.Value) any {
		arr := args[0]
		buf := make([]byte, arr.Get("length").Int())
		js.CopyBytesToGo(buf, arr)
		ch <- fetchResult{data: buf}
		return nil
	})
	onErr = js.FuncOf(func(this js.Value, args []js.Value) any {
		msg := "fetch failed"
		if len(args) > 0 {
			msg = args[0].Call("toString").String()
		}
		ch <- fetchResult{err: errors.New(msg)}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	js.Global().Call("kbFetch", name).Call("then", onOK, onErr)
	select {
	case r := <-ch:
		return r.data, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

var (
	index        *kbx.Index
	indexMapping = mustMapping()
	synonyms     *engine.Synonyms
)

func mustMapping() *mapping.IndexMappingImpl {
	m, err := schema.Mapping()
	if err != nil {
		panic(err)
	}
	return m
}

// promise runs fn in a goroutine and settles a Promise with its result.
func promise(fn func() (any, error)) js.Value {
	var handler js.Func
	handler = js.FuncOf(func(this js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			defer handler.Release()
			defer func() {
				if r := recover(); r != nil {
					reject.Invoke(js.Global().Get("Error").New(fmt.Sprint("search engine error: ", r)))
				}
			}()
			v, err := fn()
			if err != nil {
				reject.Invoke(js.Global().Get("Error").New(err.Error()))
				return
			}
			resolve.Invoke(v)
		}()
		return nil
	})
	return js.Global().Get("Promise").New(handler)
}

func open(this js.Value, args []js.Value) any {
	v := args[0]
	return promise(func() (any, error) {
		man, groups, err := manifestOf(v)
		if err != nil {
			return nil, err
		}
		ix, err := kbx.Open(man, jsSource{})
		if err != nil {
			return nil, err
		}
		index, synonyms = ix, engine.NewSynonyms(indexMapping, groups)
		return true, nil
	})
}

// manifestOf reads a manifest from its parsed JSON object.
func manifestOf(v js.Value) (man *kbx.Manifest, synonyms [][]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("invalid search index manifest: %v", r)
		}
	}()
	man = &kbx.Manifest{
		Version:  v.Get("version").Int(),
		Docs:     uint64(v.Get("docs").Int()),
		Fields:   stringsOf(v.Get("fields")),
		Facets:   v.Get("facets").String(),
		IDDigits: v.Get("idDigits").Int(),
		Tables:   map[string]*kbx.Table{},
	}
	if p := v.Get("pages"); p.Type() == js.TypeString {
		man.Pages = p.String()
	}
	if no := v.Get("normsOf"); no.Type() == js.TypeObject {
		man.NormsOf = map[string]string{}
		for _, f := range man.Fields {
			if o := no.Get(f); o.Type() == js.TypeString {
				man.NormsOf[f] = o.String()
			}
		}
	}
	if fl := v.Get("fieldLengths"); fl.Type() == js.TypeObject {
		man.FieldLengths = map[string]int{}
		for _, f := range man.Fields {
			if n := fl.Get(f); n.Type() == js.TypeNumber {
				man.FieldLengths[f] = n.Int()
			}
		}
	}
	tables := v.Get("tables")
	for _, name := range []string{kbx.TableDict, kbx.TablePostings, kbx.TablePositions, kbx.TableStored, kbx.TableNorms} {
		t := tables.Get(name)
		if t.IsUndefined() || t.IsNull() {
			continue
		}
		tab := &kbx.Table{Files: stringsOf(t.Get("files")), Dir: t.Get("dir").Truthy()}
		first := t.Get("first")
		for i := 0; i < first.Length(); i++ {
			// Keys are base64 in the manifest (JSON encoding of []byte).
			b, err := base64.StdEncoding.DecodeString(first.Index(i).String())
			if err != nil {
				return nil, nil, err
			}
			tab.First = append(tab.First, b)
		}
		man.Tables[name] = tab
	}
	if s := v.Get("extra").Get("synonyms"); s.Type() == js.TypeObject {
		for i := 0; i < s.Length(); i++ {
			synonyms = append(synonyms, stringsOf(s.Index(i)))
		}
	}
	return man, synonyms, nil
}

func stringsOf(v js.Value) []string {
	if v.Type() != js.TypeObject {
		return nil
	}
	out := make([]string, v.Length())
	for i := range out {
		out[i] = v.Index(i).String()
	}
	return out
}

func search(this js.Value, args []js.Value) any {
	v := args[0]
	req := engine.Request{
		Query:   v.Get("q").String(),
		Prefix:  v.Get("prefix").Truthy(),
		From:    intOr(v.Get("from"), 0),
		Size:    intOr(v.Get("size"), 10),
		Filters: map[string][]string{},
	}
	if f := v.Get("filters"); f.Type() == js.TypeObject {
		keys := js.Global().Get("Object").Call("keys", f)
		for i := 0; i < keys.Length(); i++ {
			k := keys.Index(i).String()
			req.Filters[k] = stringsOf(f.Get(k))
		}
	}
	return promise(func() (any, error) {
		if index == nil {
			return nil, errors.New("search index not open")
		}
		ctx := context.Background()
		res, err := engine.Search(ctx, index.Reader(ctx), indexMapping, synonyms, req)
		if err != nil {
			return nil, err
		}
		return resultValue(res)
	})
}

func intOr(v js.Value, def int) int {
	if v.Type() != js.TypeNumber {
		return def
	}
	return v.Int()
}

// resultValue converts a result to a JavaScript object: encoded by
// encoding/json's encoder (linked anyway: Bleve's Explanation.String uses
// it) and parsed by JSON.parse, two calls across the boundary instead of
// one for every field of every hit.
func resultValue(res *engine.Result) (any, error) {
	if res.Hits == nil {
		res.Hits = []engine.Hit{} // [], not null: the page lists them
	}
	data, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	return js.Global().Get("JSON").Call("parse", string(data)), nil
}

func stats(this js.Value, args []js.Value) any {
	var n int64
	if index != nil {
		n = index.BytesFetched()
	}
	return map[string]any{"fetched": n}
}

func main() {
	js.Global().Set("kbSearch", map[string]any{
		"open":   js.FuncOf(open),
		"search": js.FuncOf(search),
		"stats":  js.FuncOf(stats),
	})
	if ready := js.Global().Get("kbSearchReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}
