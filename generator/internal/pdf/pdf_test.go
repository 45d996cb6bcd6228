package pdf

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// chromium returns the browser, or skips (fails under CI).
func chromium(t *testing.T) string {
	t.Helper()
	exe, err := Find("")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium found: CI must install it (apt-get install -y chromium)")
		}
		t.Skip("Chromium not installed: apt-get install -y chromium to run PDF tests")
	}
	return exe
}

const doc = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title>
<style>@page{size:A4;margin:20mm} .ch{break-before:page}</style></head><body>
<p><a href="#a">A</a> <a href="#b">B</a></p>
<h1 id="a" class="ch">Alpha</h1><p>Text</p>
<h1 id="b" class="ch">Beta</h1><p>Дерадикализация إعادة الإدماج</p></body></html>`

func TestPrintReadFinish(t *testing.T) {
	exe := chromium(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(doc))
	}))
	defer srv.Close()
	b, err := Start(context.Background(), exe)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var outs [][]byte
	for i := 0; i < 2; i++ {
		raw, err := b.Print(context.Background(), srv.URL, "A4")
		if err != nil {
			t.Fatal(err)
		}
		l, err := Read(raw)
		if err != nil {
			t.Fatal(err)
		}
		if l.Pages != 3 || l.Dests["a"] != 2 || l.Dests["b"] != 3 {
			t.Fatalf("layout: %d pages, dests %v", l.Pages, l.Dests)
		}
		out, err := Finish(raw, l, Meta{Title: "Guide — Título", Author: "Site", Subject: "S", Keywords: "a, b", Creator: "gen", Date: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)},
			[]Item{{"Alpha", "a", 1}, {"Beta", "b", 1}, {"Missing", "zzz", 2}})
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
		time.Sleep(1100 * time.Millisecond) // a second apart: the clock must not show
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("two prints of the same page differ")
	}
	f := t.TempDir() + "/out.pdf"
	if d := os.Getenv("KB_PDF_KEEP"); d != "" {
		f = d
	}
	os.WriteFile(f, outs[0], 0o644)
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Skip("poppler-utils not installed")
	}
	info, err := exec.Command("pdfinfo", f).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	for _, want := range []string{"Title:           Guide — Título", "Author:          Site", "Keywords:        a, b", "Tagged:          yes", "Pages:           3", "CreationDate:    Fri Nov 20 00:00:00 2026 UTC"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	l, err := Read(outs[0])
	if err != nil || l.Pages != 3 {
		t.Fatalf("the finished PDF does not read back: %v", err)
	}
}
