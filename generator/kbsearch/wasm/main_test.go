//go:build js && wasm

package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall/js"
	"testing"
)

// await waits for a Promise from a goroutine.
func await(p js.Value) (js.Value, error) {
	ch := make(chan struct {
		v   js.Value
		err error
	}, 1)
	ok := js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- struct {
			v   js.Value
			err error
		}{args[0], nil}
		return nil
	})
	fail := js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- struct {
			v   js.Value
			err error
		}{js.Undefined(), errors.New(args[0].Call("toString").String())}
		return nil
	})
	defer ok.Release()
	defer fail.Release()
	p.Call("then", ok, fail)
	r := <-ch
	return r.v, r.err
}

// serveIndex defines kbFetch to read index files from dir; broken makes
// every fetch fail.
func serveIndex(t *testing.T, dir string, broken bool) {
	t.Helper()
	fetch := js.FuncOf(func(this js.Value, args []js.Value) any {
		name := args[0].String()
		return js.Global().Get("Promise").New(js.FuncOf(func(this js.Value, pa []js.Value) any {
			resolve, reject := pa[0], pa[1]
			go func() {
				if broken {
					reject.Invoke(js.Global().Get("Error").New("HTTP 503"))
					return
				}
				data, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					reject.Invoke(js.Global().Get("Error").New(err.Error()))
					return
				}
				arr := js.Global().Get("Uint8Array").New(len(data))
				js.CopyBytesToJS(arr, data)
				resolve.Invoke(arr)
			}()
			return nil
		}))
	})
	js.Global().Set("kbFetch", fetch)
}

func openIndex(t *testing.T) {
	t.Helper()
	dir, manifest := os.Getenv("KB_TEST_INDEX"), os.Getenv("KB_TEST_MANIFEST")
	if dir == "" {
		t.Skip("KB_TEST_INDEX not set: run through generator/internal/search TestClientUnderNode")
	}
	serveIndex(t, dir, false)
	data, err := os.ReadFile(filepath.Join(dir, manifest))
	if err != nil {
		t.Fatal(err)
	}
	man := js.Global().Get("JSON").Call("parse", string(data))
	if _, err := await(open(js.Null(), []js.Value{man}).(js.Value)); err != nil {
		t.Fatal(err)
	}
}

func query(t *testing.T, req map[string]any) js.Value {
	t.Helper()
	v, err := await(search(js.Null(), []js.Value{js.ValueOf(req)}).(js.Value))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSearchUnderNode(t *testing.T) {
	openIndex(t)
	res := query(t, map[string]any{"q": "dynamic security", "size": 5})
	if res.Get("total").Int() == 0 || res.Get("hits").Length() != 5 {
		t.Fatalf("total %d, %d hits", res.Get("total").Int(), res.Get("hits").Length())
	}
	hit := res.Get("hits").Index(0)
	if !strings.Contains(hit.Get("snippet").String(), "<mark>") || !strings.HasPrefix(hit.Get("url").String(), "/") {
		t.Errorf("hit: %s %s", hit.Get("url").String(), hit.Get("snippet").String())
	}
	if res.Get("facets").Get("guide").Length() == 0 {
		t.Error("no guide facet")
	}
	if res := query(t, map[string]any{"q": "rehabilitaton"}); res.Get("total").Int() == 0 {
		t.Error("typo found nothing")
	}
	filtered := query(t, map[string]any{"q": "dynamic security", "filters": map[string]any{"audiences": []any{"Probation"}}})
	if n := filtered.Get("total").Int(); n == 0 || n >= res.Get("total").Int() {
		t.Errorf("filter: %d of %d", n, res.Get("total").Int())
	}
	for _, q := range []string{"", "the and of", "-", `"unbalanced`, strings.Repeat("x", 10000), "🙂", "إعادة الإدماج"} {
		r := query(t, map[string]any{"q": q})
		if r.Get("total").Int() == 0 && r.Get("message").String() == "" {
			t.Errorf("%.20q: no results and no message", q)
		}
	}
	if n := stats(js.Null(), nil).(map[string]any)["fetched"].(int64); n <= 0 {
		t.Errorf("fetched %d bytes", n)
	}
}

func TestFetchFailureUnderNode(t *testing.T) {
	openIndex(t)
	// A fresh index, so that nothing is cached, over a source that fails.
	data, _ := os.ReadFile(filepath.Join(os.Getenv("KB_TEST_INDEX"), os.Getenv("KB_TEST_MANIFEST")))
	serveIndex(t, "", true)
	if _, err := await(open(js.Null(), []js.Value{js.Global().Get("JSON").Call("parse", string(data))}).(js.Value)); err != nil {
		t.Fatal(err)
	}
	_, err := await(search(js.Null(), []js.Value{js.ValueOf(map[string]any{"q": "prison"})}).(js.Value))
	if err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v", err)
	}
}
