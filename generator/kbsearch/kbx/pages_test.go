package kbx

import "testing"

func TestPages(t *testing.T) {
	counts := []int{1, 3, 200, 2}
	man := &Manifest{Version: Version, Docs: 206, IDDigits: 6, Pages: EncodePages(counts),
		Tables: map[string]*Table{TableDict: {}, TablePostings: {}, TableStored: {}}}
	ix, err := Open(man, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := ix.Reader(t.Context())
	if r.Pages() != len(counts) {
		t.Fatal("no page table")
	}
	for _, c := range []struct {
		doc  uint64
		page int
	}{{0, 0}, {1, 1}, {3, 1}, {4, 2}, {203, 2}, {204, 3}, {205, 3}} {
		if got, ok := ix.Page(ExternalID(c.doc, 6)); !ok || got != c.page {
			t.Errorf("Page(%d) = %d, %v; want %d", c.doc, got, ok, c.page)
		}
		if got, ok := r.PageOf(InternalIDOf(c.doc)); !ok || got != c.page {
			t.Errorf("PageOf(%d) = %d, %v; want %d", c.doc, got, ok, c.page)
		}
	}
	if _, ok := ix.Page("000206"); ok {
		t.Error("a document past the end has a page")
	}
	for _, bad := range []string{EncodePages([]int{1, 2}), EncodePages([]int{206, 0}), "!!"} {
		man.Pages = bad
		if _, err := Open(man, nil); err == nil {
			t.Errorf("page table %q accepted", bad)
		}
	}
	man.Pages = ""
	if ix, err := Open(man, nil); err != nil || ix.Reader(t.Context()).Pages() != 0 {
		t.Errorf("no page table: %v", err)
	}
}
