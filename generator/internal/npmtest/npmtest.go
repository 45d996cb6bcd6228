// Package npmtest installs test tooling from npm: a locked package.json (a
// folder under testdata/) is installed once with `npm ci` into the user's
// cache folder, under a hash of its files, and reused by later runs. Without
// node or npm a test skips, except under CI (CI=true), where it fails: CI
// must install them.
package npmtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Need returns the path of a command, or skips the test (fails under CI),
// saying how to install it.
func Need(tb testing.TB, name, install string) string {
	tb.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s not found: CI must install it (%s)", name, install)
	}
	tb.Skipf("%s not installed (%s): skipping", name, install)
	return ""
}

// Install installs the locked packages of the folder src (package.json and
// package-lock.json) and returns the folder that holds their node_modules.
// name names the cache entry.
func Install(tb testing.TB, src, name string) string {
	tb.Helper()
	Need(tb, "node", "apt-get install -y nodejs")
	npm := Need(tb, "npm", "apt-get install -y npm")
	pkg, err := os.ReadFile(filepath.Join(src, "package.json"))
	if err != nil {
		tb.Fatal(err)
	}
	lock, err := os.ReadFile(filepath.Join(src, "package-lock.json"))
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(append(append([]byte{}, pkg...), lock...))
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "vepkb", name+"-"+hex.EncodeToString(sum[:])[:12])
	done := filepath.Join(dir, "node_modules", ".package-lock.json")
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		tb.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+name+"-install-")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	for file, data := range map[string][]byte{"package.json": pkg, "package-lock.json": lock} {
		if err := os.WriteFile(filepath.Join(tmp, file), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("npm ci (%s): %v\n%s", src, err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(done); statErr != nil { // not another process's install
			tb.Fatal(err)
		}
	}
	return dir
}
