package search_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vepkb/generator/internal/search"
	"vepkb/generator/internal/search/kbxwrite"
	"vepkb/generator/internal/search/wasmclient"
	"vepkb/generator/internal/site"
)

// TestClientUnderNode runs the WebAssembly client's own Go tests under
// Node.js with Go's wasm_exec, over the index of the bundled knowledge base.
func TestClientUnderNode(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node not found: CI must have Node.js to run the client's tests")
		}
		t.Skip("node not installed")
	}
	if testing.Short() {
		t.Skip("compiles the client for GOOS=js")
	}
	root, _ := filepath.Abs("../../..")
	l, err := site.Load(context.Background(), site.Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	man, _, err := search.Build(context.Background(), l.Content, "/", kbxwrite.Options{}, func(name string, data []byte) error {
		return os.WriteFile(filepath.Join(dir, name), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	man.Extra = map[string]any{"synonyms": l.Config.Search.Synonyms}
	name, data, err := kbxwrite.MarshalManifest(man)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	client, err := wasmclient.SourceDir()
	if err != nil {
		t.Fatal(err)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	execWrapper := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "go_js_wasm_exec")
	// The client's own tests, and those of the stand-ins its module
	// links instead of roaring and json-iterator (see its go.mod).
	standIns := []string{"github.com/RoaringBitmap/roaring/v2", "github.com/json-iterator/go"}
	cmd := exec.Command("go", append([]string{"test", "-count=1", "-v", "-exec", execWrapper, "."}, standIns...)...)
	cmd.Dir = client
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "KB_TEST_INDEX="+dir, "KB_TEST_MANIFEST="+name)
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("client tests under Node failed: %v", err)
	}
	for _, name := range []string{"TestSearchUnderNode", "TestFetchFailureUnderNode", "TestBleveBitsetWithStandIn",
		"TestBitmapMatchesModel", "TestSameAsEncodingJSON"} {
		if !strings.Contains(string(out), "--- PASS: "+name) {
			t.Errorf("%s did not pass", name)
		}
	}
}
