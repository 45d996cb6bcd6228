package search_test

import (
	"context"
	"math"
	"sort"
	"strconv"
	"testing"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"vepkb/generator/kbsearch/engine"
	"vepkb/generator/kbsearch/kbx"
	"vepkb/generator/kbsearch/schema"
)

// BenchmarkPruningBounds measures how far an early-terminating evaluation
// could cut broad queries over a built index (KB_BENCH_INDEX=…/search-index,
// meant for the 10,000-page corpus) while keeping the exact top ten pages:
// how many pages an upper bound of their score cannot rule out against θ,
// the tenth page's PageScore.
//
// The bound follows Bleve's BM25 scores for the engine's plan of plain
// words (each word's title, heading and body terms, and the clause for
// sections holding every word), coordination factors and query norm
// included: a term adds boost·idf²·qnorm times √freq·k1 / (√freq + k1·(1 −
// b + b·length/avg)), avg rounded up as Bleve rounds it (with a block of 1
// the bound of the top sections equals their score). Each term's value is
// taken at the maximum of its block of documents (block-max WAND; a block
// of 1 is each document's own value), and a page's bound is its best
// section's times 1 + PageWeight·(min(sections, 3) − 1). The blocks are cut
// in the index's order of documents and in orders a build could choose
// without knowing the query (staticOrders: by title length, body length,
// both), reporting for each the pages not ruled out and the blocks that
// hold their documents. It also measures impact-ordered lists: reading each
// term's documents by falling weight until no unread document can reach θ,
// the entries read and the pages then left to score exactly.
// docs/search.md has the figures.
func BenchmarkPruningBounds(b *testing.B) {
	ix, m := benchIndex(b)
	ctx := context.Background()
	r := ix.Reader(ctx)
	orders := staticOrders(b, r)
	for _, q := range []string{"information policy", "records manager retention", "risk assessment", "dynamic security", "policy"} {
		b.Run(q, func(b *testing.B) {
			for range b.N {
				p := newPruning(b, ctx, r, m, q)
				for _, size := range []int{1, 16, 128} {
					pages, _ := p.candidatePages(size, nil)
					b.ReportMetric(float64(pages), "pages-block"+strconv.Itoa(size))
				}
				for _, o := range orders {
					for _, size := range []int{16, 128} {
						pages, blocks := p.candidatePages(size, o.perm)
						b.ReportMetric(float64(pages), o.name+"-pages-block"+strconv.Itoa(size))
						b.ReportMetric(float64(blocks), o.name+"-blocks"+strconv.Itoa(size))
					}
				}
				entries, pages := p.impactOrdered()
				b.ReportMetric(float64(entries), "impact-entries")
				b.ReportMetric(float64(pages), "impact-pages")
				b.ReportMetric(float64(p.res.Pages), "matching-pages")
			}
		})
	}
}

type pruneLeaf struct {
	clause int
	weight float64 // boost × idf² × query norm: a match scores weight × √freq × norm
	docs   []int
	imps   []float64 // √freq × norm of each document
}

type pruning struct {
	r      *kbx.Reader
	res    *engine.Result
	theta  float64
	words  int
	leaves []*pruneLeaf
	docs   int
}

func newPruning(b *testing.B, ctx context.Context, r *kbx.Reader, m *mapping.IndexMappingImpl, q string) *pruning {
	res, err := engine.Search(ctx, r, m, nil, engine.Request{Query: q, Size: 10})
	if err != nil || len(res.Hits) < 10 {
		b.Fatalf("%q: %v, %d hits", q, err, len(res.Hits))
	}
	last := res.Hits[9]
	scores := []float64{last.Score}
	for _, s := range last.Sections {
		scores = append(scores, s.Score)
	}
	n, _ := r.DocCount()
	p := &pruning{r: r, res: res, theta: engine.PageScore(scores), docs: int(n)}
	parsed := engine.Parse(q, false)
	p.words = len(parsed.Words)
	sum := 0.0
	for i, w := range parsed.Words {
		for _, term := range schema.Analyze(m, schema.TextAnalyzer, w) {
			for _, f := range []struct {
				name  string
				boost float64
			}{{schema.Title, 2}, {schema.Heading, 2}, {schema.Body, 1}} {
				tfr, err := r.TermFieldReader(ctx, []byte(term), f.name, true, true, false)
				if err != nil {
					b.Fatal(err)
				}
				df := float64(tfr.Count())
				idf := math.Log(1 + (float64(n)-df+0.5)/(df+0.5))
				avg := math.Ceil(float64(r.FieldLengths()[f.name]) / float64(n)) // as Bleve takes it
				l := &pruneLeaf{clause: i, weight: f.boost * idf * idf}
				// Each word's terms are in the plan twice (its clause and
				// the clause for every word) when there are several words.
				copies := 1.0
				if len(parsed.Words) > 1 {
					copies = 2
				}
				sum += copies * (f.boost * idf) * (f.boost * idf)
				for {
					d, err := tfr.Next(nil)
					if err != nil {
						b.Fatal(err)
					}
					if d == nil {
						break
					}
					l.docs = append(l.docs, int(docNumber(d.ID)))
					tf, length := math.Sqrt(float64(d.Freq)), 1/(d.Norm*d.Norm)
					l.imps = append(l.imps, tf*bsearch.BM25_k1/(tf+bsearch.BM25_k1*(1-bsearch.BM25_b+bsearch.BM25_b*length/avg)))
				}
				p.leaves = append(p.leaves, l)
			}
		}
	}
	norm := 1 / math.Sqrt(sum)
	for _, l := range p.leaves {
		l.weight *= norm
	}
	return p
}

func docNumber(id index.IndexInternalID) uint64 {
	var n uint64
	for _, c := range id {
		n = n<<8 | uint64(c)
	}
	return n
}

// bound is the most a document can score given, for each leaf, the most
// its term can add (0: absent): each word's clause sums its present terms
// times their share of the clause (Bleve's coordination factor), and with
// several words the top clause adds the every-word clause when all words
// are present, times the share of its clauses present.
func (p *pruning) bound(val []float64) float64 {
	u := make([]float64, p.words)
	present := make([]float64, p.words)
	total := make([]float64, p.words)
	for i, l := range p.leaves {
		total[l.clause]++
		if val[i] > 0 {
			u[l.clause] += val[i]
			present[l.clause]++
		}
	}
	s, all, clauses := 0.0, true, 0.0
	for i := range u {
		x := u[i] * present[i] / total[i]
		s += x
		all = all && x > 0
		if x > 0 {
			clauses++
		}
	}
	if p.words > 1 {
		if all {
			s *= 2
			clauses++
		}
		s *= clauses / float64(p.words+1)
	}
	return s
}

// pageWeight is how much a page's bound exceeds its best section's.
func pageWeight(sections int) float64 {
	return 1 + engine.PageWeight*float64(min(sections, engine.MaxSections)-1)
}

// candidatePages counts the pages whose bound reaches θ when each term's
// weight is known only as the maximum over blocks of size documents, with
// documents numbered by perm (nil: as the index numbers them), and the
// blocks, over all terms, that hold a document of such a page.
func (p *pruning) candidatePages(size int, perm []int) (pages, blocks int) {
	type block struct {
		first, last int
		max         float64
	}
	num := func(d int) int {
		if perm == nil {
			return d
		}
		return perm[d]
	}
	blockOf := make([][]block, len(p.leaves))
	for i, l := range p.leaves {
		type posting struct {
			doc int
			imp float64
		}
		ps := make([]posting, len(l.docs))
		for j, d := range l.docs {
			ps[j] = posting{num(d), l.imps[j]}
		}
		sort.Slice(ps, func(a, b int) bool { return ps[a].doc < ps[b].doc })
		for j := 0; j < len(ps); j += size {
			e := min(j+size, len(ps))
			bl := block{first: ps[j].doc, last: ps[e-1].doc}
			for _, x := range ps[j:e] {
				bl.max = math.Max(bl.max, x.imp)
			}
			blockOf[i] = append(blockOf[i], bl)
		}
	}
	matches := make([]bool, p.docs) // only documents in some postings are evaluated
	for _, l := range p.leaves {
		for _, d := range l.docs {
			matches[d] = true
		}
	}
	best := map[int]float64{}
	sections := map[int]int{}
	val := make([]float64, len(p.leaves))
	where := make([][]int, p.docs) // each document's block in each term (-1: none)
	for d := 0; d < p.docs; d++ {
		page, _ := p.r.PageOf(kbx.InternalIDOf(uint64(d)))
		sections[page]++
		if !matches[d] {
			continue
		}
		where[d] = make([]int, len(p.leaves))
		for i, l := range p.leaves {
			val[i] = 0
			where[d][i] = -1
			bs := blockOf[i]
			n := num(d)
			k := sort.Search(len(bs), func(k int) bool { return bs[k].last >= n })
			if k < len(bs) && bs[k].first <= n {
				val[i] = l.weight * bs[k].max
				where[d][i] = k
			}
		}
		best[page] = math.Max(best[page], p.bound(val))
	}
	hit := map[[2]int]bool{}
	for d := 0; d < p.docs; d++ {
		page, _ := p.r.PageOf(kbx.InternalIDOf(uint64(d)))
		if !matches[d] || best[page]*pageWeight(sections[page]) < p.theta {
			continue
		}
		for i, k := range where[d] {
			if k >= 0 {
				hit[[2]int{i, k}] = true
			}
		}
	}
	for page, ub := range best {
		if ub*pageWeight(sections[page]) >= p.theta {
			pages++
		}
	}
	return pages, len(hit)
}

// staticOrders are numberings of the documents a build could choose
// without knowing the query, each a permutation (old number → new).
func staticOrders(b *testing.B, r *kbx.Reader) []struct {
	name string
	perm []int
} {
	n, _ := r.DocCount()
	title, body := make([]int, n), make([]int, n)
	for d := range int(n) {
		id, err := r.ExternalID(kbx.InternalIDOf(uint64(d)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.VisitStored(id, func(name string, v []byte) {
			switch name {
			case schema.Title:
				title[d] = len(v)
			case schema.Body:
				body[d] = len(v)
			}
		}); err != nil {
			b.Fatal(err)
		}
	}
	page := make([]int, n)
	for d := range int(n) {
		page[d], _ = r.PageOf(kbx.InternalIDOf(uint64(d)))
	}
	perm := func(less func(a, b int) bool) []int {
		ids := make([]int, n)
		for i := range ids {
			ids[i] = i
		}
		sort.SliceStable(ids, func(i, j int) bool { return less(ids[i], ids[j]) })
		out := make([]int, n)
		for k, d := range ids {
			out[d] = k
		}
		return out
	}
	return []struct {
		name string
		perm []int
	}{
		{"titlelen", perm(func(a, b int) bool { return title[a] < title[b] || title[a] == title[b] && page[a] < page[b] })},
		{"bodylen", perm(func(a, b int) bool { return body[a] < body[b] })},
		{"titlebody", perm(func(a, b int) bool { return title[a] < title[b] || title[a] == title[b] && body[a] < body[b] })},
	}
}

// impactOrdered reads each term's documents by falling weight, always from
// the term whose next weight is largest, until a page made of unread
// documents cannot reach θ; it returns the entries read and the pages left
// whose bound (read weights, and the next weight of each term where a
// document was not read) still reaches θ.
func (p *pruning) impactOrdered() (entries, pages int) {
	type entry struct {
		doc    int
		weight float64
	}
	lists := make([][]entry, len(p.leaves))
	for i, l := range p.leaves {
		for j, d := range l.docs {
			lists[i] = append(lists[i], entry{d, l.weight * l.imps[j]})
		}
		sort.Slice(lists[i], func(a, b int) bool { return lists[i][a].weight > lists[i][b].weight })
	}
	depth := make([]int, len(p.leaves))
	next := make([]float64, len(p.leaves))
	frontier := func() {
		for i := range lists {
			next[i] = 0
			if depth[i] < len(lists[i]) {
				next[i] = lists[i][depth[i]].weight
			}
		}
	}
	const step = 32
	for frontier(); p.bound(next)*pageWeight(engine.MaxSections) >= p.theta; frontier() {
		k := 0
		for i := range next {
			if next[i] > next[k] {
				k = i
			}
		}
		depth[k] = min(depth[k]+step, len(lists[k]))
	}
	seen := map[int][]float64{}
	for i := range lists {
		entries += depth[i]
		for _, e := range lists[i][:depth[i]] {
			if seen[e.doc] == nil {
				seen[e.doc] = make([]float64, len(lists))
			}
			seen[e.doc][i] = e.weight
		}
	}
	unread := p.bound(next)
	byPage := map[int][]float64{}
	for d, w := range seen {
		val := make([]float64, len(lists))
		for i := range lists {
			val[i] = w[i]
			if val[i] == 0 {
				val[i] = next[i]
			}
		}
		page, _ := p.r.PageOf(kbx.InternalIDOf(uint64(d)))
		byPage[page] = append(byPage[page], p.bound(val))
	}
	for _, ubs := range byPage {
		sort.Sort(sort.Reverse(sort.Float64Slice(ubs)))
		for len(ubs) < engine.MaxSections {
			ubs = append(ubs, unread)
		}
		if engine.PageScore(ubs) >= p.theta {
			pages++
		}
	}
	return entries, pages
}
