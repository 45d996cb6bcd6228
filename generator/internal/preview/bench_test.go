package preview

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vepkb/generator/internal/browsertest"
	"vepkb/generator/internal/incremental"
	"vepkb/generator/internal/site"
)

// corpus returns a site to measure on: KB_PREVIEW_CORPUS=/path/to/site (for
// example ../shared/bench/gencorpus -n 1000 output with config.toml and
// themes/ copied in). The measurements are logged, never asserted.
func corpus(t testing.TB) string {
	dir := os.Getenv("KB_PREVIEW_CORPUS")
	if dir == "" {
		t.Skip("set KB_PREVIEW_CORPUS to a site folder to measure the preview on it")
	}
	return dir
}

// firstChapter returns a regular page of the corpus: its file and site path.
func firstChapter(t testing.TB, root string) (string, string) {
	t.Helper()
	var file string
	filepath.WalkDir(filepath.Join(root, "content"), func(p string, d os.DirEntry, err error) error {
		if file == "" && err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") && filepath.Base(p) != "_index.md" && strings.Count(strings.TrimPrefix(p, root), "/") >= 3 {
			file = p
		}
		return nil
	})
	if file == "" {
		t.Fatal("no chapter found")
	}
	rel, _ := filepath.Rel(filepath.Join(root, "content"), file)
	return file, "/" + strings.TrimSuffix(filepath.ToSlash(rel), ".md") + "/"
}

// TestEditLatencyCorpus measures, in Chromium, the time from saving a file
// to the open page showing the change, over 40 saves; and the start-up time.
func TestEditLatencyCorpus(t *testing.T) {
	root := corpus(t)
	file, url := firstChapter(t, root)
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer os.WriteFile(file, orig, 0o644)
	ctx, cancel := browsertest.New(t, 5*time.Minute)
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	s, err := Start(Options{Site: site.Options{Root: root}, Listener: ln})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t.Logf("start-up (first build, serving): %s", time.Since(t0).Round(time.Millisecond))
	p := browsertest.Page{T: t, Ctx: ctx}
	p.Do(chromedp.Navigate(s.URL() + strings.TrimPrefix(url, "/")))
	p.WaitFor(`document.documentElement.dataset.kbLive === 'on'`)
	waitClients(t, s)
	var times []time.Duration
	for i := 0; i < 40; i++ {
		marker := fmt.Sprintf("Edit number %d saved.", i)
		body := string(orig) + "\n" + marker + "\n"
		start := time.Now()
		write(t, file, body)
		p.WaitThrough(`document.body.textContent.includes(` + fmt.Sprintf("%q", marker) + `)`)
		times = append(times, time.Since(start))
		time.Sleep(50 * time.Millisecond)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	t.Logf("edit → browser shows it, %d saves: median %s, p90 %s, max %s", len(times),
		times[len(times)/2].Round(time.Millisecond), times[len(times)*9/10].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
}

// TestMemoryOverEditsCorpus rebuilds the corpus after 1,000 edits of one
// page and logs the live heap after 100 and after 1,000: it should stay flat.
func TestMemoryOverEditsCorpus(t *testing.T) {
	root := corpus(t)
	file, _ := firstChapter(t, root)
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer os.WriteFile(file, orig, 0o644)
	s := incremental.NewSession(site.Options{Root: root, Dest: filepath.Join(t.TempDir(), "out")})
	if _, err := s.Rebuild(nil); err != nil {
		t.Fatal(err)
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var at100 uint64
	start := time.Now()
	for i := 1; i <= 1000; i++ {
		body := string(orig) + fmt.Sprintf("\nEdit %d.\n", i)
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Rebuild([]string{file}); err != nil {
			t.Fatal(err)
		}
		if i == 100 {
			at100 = heap()
		}
	}
	at1000 := heap()
	t.Logf("live heap after 100 edits %.1f MB, after 1,000 %.1f MB; %s per rebuild", float64(at100)/1e6, float64(at1000)/1e6, time.Since(start)/1000)
}
