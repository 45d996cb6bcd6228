package engine

import (
	"sort"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// Pager is a reader that knows the site page of each document (a static
// index with a page table, kbx.Reader). Over one, results are pages; over
// another reader, each section stands for itself and pages are not counted.
type Pager interface {
	Pages() int // how many pages it has: 0 without a page table
	PageOf(id index.IndexInternalID) (int, bool)
	// Compare orders documents as their external ids sort (engine.Sort's
	// tie-break).
	Compare(a, b index.IndexInternalID) int
}

// pagerOf returns r as a Pager, or nil when it cannot tell pages.
func pagerOf(r index.IndexReader) Pager {
	if p, ok := r.(Pager); ok && p.Pages() > 0 {
		return p
	}
	return nil
}

// pageRanker passes a searcher's matches through to the collector and
// keeps, for each page, its best MaxSections sections. The collector sees
// every match once, so the pages' ranking (by PageScore, then their best
// section's document id) and their sections are exact, and so is their
// count.
type pageRanker struct {
	search.Searcher
	pager Pager
	r     index.IndexReader
	at    []int32 // page → 1 + index in pages; 0: not seen
	pages []pageBest
}

// pageBest is a page's best sections so far, best first.
type pageBest struct {
	secs []candidate
}

// PageWeight is how much a page's next best sections add to its score:
// a page whose sections between them answer a question ranks above one
// section that repeats a word. Chosen on the judged query set and checked
// on the held-out one (docs/search.md): under TF-IDF, 0 gave MRR@5 0.798,
// 0.2 0.814, 0.3 0.821, 0.4 0.820 with better recall, 0.5 0.802, 1 0.786;
// under BM25, judged / held out: 0.2 0.900 / 0.601, 0.3 0.898 / 0.615,
// 0.4 0.891 / 0.615, 0.5 0.882 / 0.615, 0.6 0.882 / 0.622.
const PageWeight = 0.3

// PageScore is a page's score from its best sections' scores, best first:
// the best, plus PageWeight times the others (at most MaxSections in all).
func PageScore(best []float64) float64 {
	if len(best) == 0 {
		return 0
	}
	s := best[0]
	for _, o := range best[1:min(len(best), MaxSections)] {
		s += PageWeight * o
	}
	return s
}

type candidate struct {
	id    index.IndexInternalID
	score float64
}

// Next implements search.Searcher.
func (pr *pageRanker) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := pr.Searcher.Next(ctx)
	pr.note(dm)
	return dm, err
}

// Advance implements search.Searcher.
func (pr *pageRanker) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := pr.Searcher.Advance(ctx, id)
	pr.note(dm)
	return dm, err
}

func (pr *pageRanker) note(dm *search.DocumentMatch) {
	if dm == nil {
		return
	}
	n, ok := pr.pager.PageOf(dm.IndexInternalID)
	if !ok {
		return
	}
	if n >= len(pr.at) {
		return
	}
	if pr.at[n] == 0 {
		pr.pages = append(pr.pages, pageBest{secs: make([]candidate, 0, MaxSections)})
		pr.at[n] = int32(len(pr.pages))
	}
	p := &pr.pages[pr.at[n]-1]
	c := candidate{score: dm.Score}
	j := len(p.secs)
	for j > 0 && pr.before(c.score, dm.IndexInternalID, p.secs[j-1]) {
		j--
	}
	if j >= MaxSections {
		return
	}
	// The searcher reuses its matches: keep a copy of the id.
	c.id = append(index.IndexInternalID(nil), dm.IndexInternalID...)
	if len(p.secs) < MaxSections {
		p.secs = append(p.secs, candidate{})
	}
	copy(p.secs[j+1:], p.secs[j:])
	p.secs[j] = c
}

// before reports whether a section ranks before c: a higher score, or the
// same score and a smaller document id (engine.Sort).
func (pr *pageRanker) before(score float64, id index.IndexInternalID, c candidate) bool {
	if score != c.score {
		return score > c.score
	}
	return pr.pager.Compare(id, c.id) < 0
}

// ranked returns the pages from from to to (exclusive) in rank order, each
// as its sections' matches (best first, IDs filled in).
func (pr *pageRanker) ranked(from, to int) ([][]*search.DocumentMatch, error) {
	// The first to pages, by insertion into a short sorted list: pages
	// run to thousands, to is a few dozen.
	if to <= from {
		return nil, nil
	}
	var order []int
	scores := make([]float64, len(pr.pages))
	var buf []float64
	for i := range pr.pages {
		buf = buf[:0]
		for _, c := range pr.pages[i].secs {
			buf = append(buf, c.score)
		}
		scores[i] = PageScore(buf)
	}
	key := func(i int) candidate { return candidate{id: pr.pages[i].secs[0].id, score: scores[i]} }
	for i := range pr.pages {
		x := key(i)
		if len(order) == to {
			if last := key(order[to-1]); !pr.before(x.score, x.id, last) {
				continue
			}
			order = order[:to-1]
		}
		j := sort.Search(len(order), func(k int) bool { return pr.before(x.score, x.id, key(order[k])) })
		order = append(order, 0)
		copy(order[j+1:], order[j:])
		order[j] = i
	}
	var out [][]*search.DocumentMatch
	for _, i := range order[min(from, len(order)):] {
		var g []*search.DocumentMatch
		for _, c := range pr.pages[i].secs {
			id, err := pr.r.ExternalID(c.id)
			if err != nil {
				return nil, err
			}
			g = append(g, &search.DocumentMatch{ID: id, IndexInternalID: c.id, Score: c.score})
		}
		out = append(out, g)
	}
	return out, nil
}
