package kbx

// The page cache: files fetched once (a second reader of a file waits for
// the first request), decoded pages kept, and lookups and scans of a table
// through its directory.

import (
	"bytes"
	"context"
	"fmt"
	"sort"
)

type loadingFile struct {
	done chan struct{}
	err  error
}

// load fetches a file unless have reports it already decoded, sharing a
// request already in flight for it, and hands its bytes to keep, which
// decodes and caches them. have and keep run with ix.mu held and released
// respectively; a file is no longer "in flight" only once keep has cached
// it, so a later reader either finds it cached or waits.
func (ix *Index) load(ctx context.Context, name string, have func() bool, keep func([]byte) error) error {
	ix.mu.Lock()
	if have() {
		ix.mu.Unlock()
		return nil
	}
	if f := ix.loading[name]; f != nil {
		ix.mu.Unlock()
		select {
		case <-f.done:
			return f.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f := &loadingFile{done: make(chan struct{})}
	ix.loading[name] = f
	ix.mu.Unlock()
	data, err := ix.src.Fetch(ctx, name)
	if err != nil {
		err = fmt.Errorf("kbx: fetching %s: %w", name, err)
	} else if err = keep(data); err != nil {
		err = fmt.Errorf("kbx: %s: %w", name, err)
	}
	ix.mu.Lock()
	delete(ix.loading, name)
	if err == nil {
		ix.fetched += int64(len(data))
	}
	ix.mu.Unlock()
	f.err = err
	close(f.done)
	return err
}

type page struct {
	keys, values [][]byte
}

func (ix *Index) page(ctx context.Context, name string) (*page, error) {
	ix.mu.Lock()
	p := ix.pages[name]
	ix.mu.Unlock()
	if p != nil {
		return p, nil
	}
	err := ix.load(ctx, name, func() bool { return ix.pages[name] != nil }, func(data []byte) error {
		keys, values, err := decodePage(data)
		if err != nil {
			return err
		}
		ix.mu.Lock()
		ix.pages[name] = &page{keys, values}
		ix.mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.pages[name], nil
}

// pageFor returns the index of the page that would hold key, or -1.
func pageFor(t *Table, key []byte) int {
	i := sort.Search(len(t.First), func(i int) bool { return bytes.Compare(t.First[i], key) > 0 })
	return i - 1
}

// pageRef is a data page of a table: its first key and file.
type pageRef struct {
	first []byte
	file  string
}

// dataPages returns the data pages of table t that may hold keys in
// [start, end) (end nil: to the end), fetching directory pages as needed.
func (ix *Index) dataPages(ctx context.Context, t *Table, start, end []byte) ([]pageRef, error) {
	var out []pageRef
	pi := max(pageFor(t, start), 0)
	for ; pi < len(t.Files); pi++ {
		if end != nil && bytes.Compare(t.First[pi], end) >= 0 {
			break
		}
		if !t.Dir {
			out = append(out, pageRef{t.First[pi], t.Files[pi]})
			continue
		}
		dir, err := ix.page(ctx, t.Files[pi])
		if err != nil {
			return nil, err
		}
		di := sort.Search(len(dir.keys), func(i int) bool { return bytes.Compare(dir.keys[i], start) > 0 }) - 1
		for di = max(di, 0); di < len(dir.keys); di++ {
			if end != nil && bytes.Compare(dir.keys[di], end) >= 0 {
				return out, nil
			}
			out = append(out, pageRef{dir.keys[di], string(dir.values[di])})
		}
	}
	return out, nil
}

// get looks up one key.
func (ix *Index) get(ctx context.Context, table string, key []byte) ([]byte, bool, error) {
	t := ix.man.Tables[table]
	if t == nil || pageFor(t, key) < 0 {
		return nil, false, nil
	}
	refs, err := ix.dataPages(ctx, t, key, append(append([]byte(nil), key...), 0))
	if err != nil || len(refs) == 0 {
		return nil, false, err
	}
	p, err := ix.page(ctx, refs[0].file)
	if err != nil {
		return nil, false, err
	}
	i := sort.Search(len(p.keys), func(i int) bool { return bytes.Compare(p.keys[i], key) >= 0 })
	if i < len(p.keys) && bytes.Equal(p.keys[i], key) {
		return p.values[i], true, nil
	}
	return nil, false, nil
}

// scan calls fn for each entry with start <= key < end, in order, until fn
// returns false.
func (ix *Index) scan(ctx context.Context, table string, start, end []byte, fn func(k, v []byte) bool) error {
	t := ix.man.Tables[table]
	if t == nil {
		return nil
	}
	refs, err := ix.dataPages(ctx, t, start, end)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		p, err := ix.page(ctx, ref.file)
		if err != nil {
			return err
		}
		i := sort.Search(len(p.keys), func(i int) bool { return bytes.Compare(p.keys[i], start) >= 0 })
		for ; i < len(p.keys); i++ {
			if end != nil && bytes.Compare(p.keys[i], end) >= 0 {
				return nil
			}
			if !fn(p.keys[i], p.values[i]) {
				return nil
			}
		}
	}
	return nil
}
