package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"vepkb/generator/internal/output"
	"vepkb/generator/internal/sitetest"
)

// TestBuildNeverDeletes tries `build --dest` as a new user might, with the
// folder a mistyped flag could name. Nothing the generator did not write may
// go, with or without --force.
func TestBuildNeverDeletes(t *testing.T) {
	// A user's folder: their home holds the site and other work.
	home := t.TempDir()
	t.Setenv("HOME", home)
	root := filepath.Join(home, "kb")
	sitetestCopy(t, root)
	sitetestWrite(t, filepath.Join(home, "thesis.txt"), "years of work")
	links := t.TempDir()
	if err := os.Symlink(home, filepath.Join(links, "up")); err != nil {
		t.Fatal(err)
	}
	copyDir := filepath.Join(t.TempDir(), "site-copy")
	sitetestWrite(t, filepath.Join(copyDir, "docs", "thesis.txt"), "thesis")
	sitetestWrite(t, filepath.Join(copyDir, "notes.txt"), "notes")

	tests := []struct {
		name   string
		dest   string
		stderr string
	}{
		{"a folder holding the user's files", copyDir, "holds 2 files this generator did not write (docs/thesis.txt, notes.txt)"},
		{"the site's parent, as ..", filepath.Join(root, ".."), "it is your home folder"},
		{"the site root", root, "it is the site's root folder"},
		{"the content folder", filepath.Join(root, "content"), "it is the site's content folder"},
		{"the themes folder", filepath.Join(root, "themes"), "it is the site's themes folder"},
		{"home", home, "it is your home folder"},
		{"the file-system root", "/", "it is the root of the file system"},
		{"a symbolic link to the site's parent", filepath.Join(links, "up"), "through a symbolic link): it is your home folder"},
	}
	for _, tt := range tests {
		for _, force := range []bool{false, true} {
			if force && tt.dest == copyDir {
				continue // --force is allowed there; tested below
			}
			t.Run(fmt.Sprintf("%s force=%v", tt.name, force), func(t *testing.T) {
				before := sitetest.Tree(t, home)
				beforeCopy := sitetest.Tree(t, copyDir)
				args := []string{"build", "--source", root, "--dest", tt.dest}
				if force {
					args = append(args, "--force")
				}
				code, out, errs := runCmd(args...)
				if code != 2 {
					t.Errorf("exit %d, want 2\n%s%s", code, out, errs)
				}
				if !strings.Contains(errs, tt.stderr) || !strings.Contains(errs, "nothing was changed") {
					t.Errorf("stderr %q lacks %q", errs, tt.stderr)
				}
				if d := sitetest.TreeDiff(before, sitetest.Tree(t, home)); d != "" {
					t.Errorf("home folder changed (%s)", d)
				}
				if d := sitetest.TreeDiff(beforeCopy, sitetest.Tree(t, copyDir)); d != "" {
					t.Errorf("site-copy changed (%s)", d)
				}
			})
		}
	}

	t.Run("--force keeps the user's files", func(t *testing.T) {
		code, out, errs := runCmd("build", "--source", root, "--dest", copyDir, "--force")
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		got := sitetest.Tree(t, copyDir)
		if got["docs/thesis.txt"] != "thesis" || got["notes.txt"] != "notes" {
			t.Error("the user's files were not kept")
		}
		if !strings.Contains(got["index.html"], "<html") || !strings.Contains(out, "kept 2 files") {
			t.Errorf("site not written beside them: %s", out)
		}
	})

	t.Run("an earlier output is replaced, an empty folder filled", func(t *testing.T) {
		for _, dest := range []string{filepath.Join(root, "public"), filepath.Join(t.TempDir(), "empty")} {
			if err := os.MkdirAll(dest, 0o755); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ {
				if code, out, errs := runCmd("build", "--source", root, "--dest", dest); code != 0 {
					t.Fatalf("build %d into %s: exit %d\n%s%s", i, dest, code, out, errs)
				}
			}
			if _, err := os.Stat(filepath.Join(dest, output.ManifestName)); err != nil {
				t.Error(err)
			}
		}
	})

	t.Run("a staging folder left by a killed build is removed", func(t *testing.T) {
		dest := filepath.Join(root, "public")
		left := filepath.Join(root, ".public.staging-4242")
		sitetestWrite(t, filepath.Join(left, ".kb-staging"), "4242\n")
		sitetestWrite(t, filepath.Join(left, "guide-a", "index.html"), "half a build")
		code, out, errs := runCmd("build", "--source", root, "--dest", dest)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errs)
		}
		if _, err := os.Stat(left); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("leftover staging folder still there (%v)", err)
		}
		if !strings.Contains(out, "left by an interrupted build") {
			t.Errorf("stdout does not say so: %s", out)
		}
	})
}

func sitetestCopy(t *testing.T, root string) {
	t.Helper()
	src := testSite(t)
	if err := os.Rename(src, root); err != nil {
		t.Fatal(err)
	}
}

func sitetestWrite(t *testing.T, file, text string) {
	t.Helper()
	sitetest.Apply(t, filepath.Dir(file), map[string]string{filepath.Base(file): text})
}

// buildBinary compiles the generator into a temporary folder, so that
// signals reach the real process (not `go run`, whose child is another).
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kb")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// waitForStaging waits until the build cmd is under way: its staging
// folder exists beside root/public.
func waitForStaging(t *testing.T, root string, cmd *exec.Cmd) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m, _ := filepath.Glob(filepath.Join(root, ".public.staging-*")); len(m) > 0 {
			return
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no staging folder appeared")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitForCPU waits until the process cmd started has used cpu of
// processor time (read from /proc; where there is none, it sleeps for cpu).
func waitForCPU(t *testing.T, cmd *exec.Cmd, cpu time.Duration) {
	t.Helper()
	stat := fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid)
	if _, err := os.Stat(stat); err != nil {
		time.Sleep(cpu)
		return
	}
	const tick = 10 * time.Millisecond // USER_HZ, 100 on Linux
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile(stat)
		if err != nil {
			t.Fatalf("the process ended before it was signalled: %v", err)
		}
		// Fields after the command's name: state is 3rd, utime 14th, stime 15th.
		f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		var user, sys int64
		fmt.Sscan(f[11], &user)
		fmt.Sscan(f[12], &sys)
		if time.Duration(user+sys)*tick >= cpu {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatal("the process used no processor time for 30 s")
}

// largeSite writes a site of n chapters (a few seconds to build) with the
// repository's theme and search off.
func largeSite(t *testing.T, n int) string {
	t.Helper()
	root := testSite(t)
	var para strings.Builder
	for i := 0; i < 40; i++ {
		para.WriteString("Prison staff and civil-society organisations plan each step of release together, with families and probation. ")
	}
	for g := 0; g < n/100; g++ {
		dir := filepath.Join(root, "content", fmt.Sprintf("guide-%03d", g))
		sitetestWrite(t, filepath.Join(dir, "_index.md"), fmt.Sprintf("---\ntitle: Guide %d\nweight: %d\n---\nA guide.\n", g, g+10))
		for c := 0; c < 100; c++ {
			var b strings.Builder
			fmt.Fprintf(&b, "---\ntitle: Chapter %d.%d\nweight: %d\ntags: [t%d]\n---\n", g, c, c, c%7)
			for s := 0; s < 6; s++ {
				fmt.Fprintf(&b, "## Section %d\n\n%s\n\n| a | b |\n|---|---|\n| %d | [next](../guide-%03d/c%03d.md) |\n\n", s, para.String(), s, g, (c+1)%100)
			}
			sitetestWrite(t, filepath.Join(dir, fmt.Sprintf("c%03d.md", c)), b.String())
		}
	}
	return root
}

// TestInterrupt sends SIGINT and SIGTERM to the real generator in the
// middle of a build (and SIGINT to a check): it must stop at once, say "interrupted", exit 130 or
// 143, leave the previous output exactly as it was and no staging folder.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator and a large site")
	}
	bin := buildBinary(t)
	root := largeSite(t, 2000)
	dest := filepath.Join(root, "public")
	// The previous output: a real, complete build.
	if out, err := exec.Command(bin, "build", "--source", root).CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	// Change every page, so that the next build has all of them to write.
	cfg, _ := os.ReadFile(filepath.Join(root, "config.toml"))
	sitetestWrite(t, filepath.Join(root, "config.toml"), strings.Replace(string(cfg), "title = ", "title = \"Renamed\"\n# ", 1))
	before := sitetest.Tree(t, dest)
	for _, tc := range []struct {
		cmd  string
		sig  syscall.Signal
		code int
	}{{"build", syscall.SIGINT, 130}, {"build", syscall.SIGTERM, 143}, {"check", syscall.SIGINT, 130}} {
		t.Run(tc.cmd+" "+tc.sig.String(), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, tc.cmd, "--source", root)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if tc.cmd == "build" {
				waitForStaging(t, root, cmd)
				time.Sleep(300 * time.Millisecond)
			} else {
				// check writes nothing to watch; it takes about a second
				// here. Wait until it has run past its start-up (package
				// initialisation, then main's signal handler): a signal
				// before that ends any Go program, and the machine's load
				// decides how long start-up takes.
				waitForCPU(t, cmd, 150*time.Millisecond)
			}
			sent := time.Now()
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			took := time.Since(sent)
			t.Logf("stopped %v after the signal", took.Round(time.Millisecond))
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Fatalf("exit %v, want %d\nstdout: %s\nstderr: %s", err, tc.code, stdout.String(), stderr.String())
			}
			if got := strings.TrimSpace(stderr.String()); got != "interrupted" {
				t.Errorf("stderr %q, want one line \"interrupted\"", got)
			}
			// A liveness bound, not a benchmark: a build that ignored the
			// signal would run for seconds more and then exit 0.
			if took > 5*time.Second {
				t.Errorf("took %v to stop", took)
			}
			if d := sitetest.TreeDiff(before, sitetest.Tree(t, dest)); d != "" {
				t.Errorf("the previous output changed (%s)", d)
			}
			if m, _ := filepath.Glob(filepath.Join(root, ".public.staging-*")); len(m) > 0 {
				t.Errorf("staging folder left: %v", m)
			}
		})
	}
}

// TestKilledBuild: a build killed outright (SIGKILL, a power cut) cannot
// clean up, but the previous output is intact and the next build removes
// the staging folder it left.
func TestKilledBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator and a large site")
	}
	bin := buildBinary(t)
	root := largeSite(t, 1000)
	dest := filepath.Join(root, "public")
	if out, err := exec.Command(bin, "build", "--source", root).CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, out)
	}
	before := sitetest.Tree(t, dest)
	cmd := exec.Command(bin, "build", "--source", root)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForStaging(t, root, cmd)
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()
	if d := sitetest.TreeDiff(before, sitetest.Tree(t, dest)); d != "" {
		t.Errorf("the previous output changed (%s)", d)
	}
	left, _ := filepath.Glob(filepath.Join(root, ".public.staging-*"))
	if len(left) != 1 {
		t.Fatalf("staging folders after the kill: %v", left)
	}
	out, err := exec.Command(bin, "build", "--source", root).CombinedOutput()
	if err != nil {
		t.Fatalf("next build: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "left by an interrupted build") {
		t.Errorf("the next build does not say it removed the leftover:\n%s", out)
	}
	if m, _ := filepath.Glob(filepath.Join(root, ".public.staging-*")); len(m) > 0 {
		t.Errorf("staging folder still there: %v", m)
	}
}

// TestFullDisk builds into a small tmpfs: the build says "no space left"
// once, exits 1, and leaves the previous output as it was. It needs root
// (to mount); under CI it must run.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		skipOrFail(t, "mounting a small tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt).CombinedOutput(); err != nil {
		skipOrFail(t, fmt.Sprintf("cannot mount a tmpfs: %v %s", err, out))
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	root := testSite(t)
	dest := filepath.Join(mnt, "public")
	if code, out, errs := runCmd("build", "--source", root, "--dest", dest); code != 0 {
		t.Fatalf("first build: exit %d\n%s%s", code, out, errs)
	}
	before := sitetest.Tree(t, dest)
	// Pages big enough that they no longer fit.
	big := strings.Repeat("Family contact is a right, not a privilege. ", 2500)
	for i := 0; i < 40; i++ {
		sitetestWrite(t, filepath.Join(root, "content", "guide-b", fmt.Sprintf("big-%02d.md", i)), fmt.Sprintf("---\ntitle: Big %d\n---\n%s\n", i, big))
	}
	code, out, errs := runCmd("build", "--source", root, "--dest", dest)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != 1 || !strings.Contains(errs, "no space left on device") || !strings.Contains(errs, dest) {
		t.Errorf("stderr is not one line naming the folder and the cause:\n%s", errs)
	}
	if d := sitetest.TreeDiff(before, sitetest.Tree(t, dest)); d != "" {
		t.Errorf("the previous output changed (%s)", d)
	}
	if m, _ := filepath.Glob(filepath.Join(mnt, ".public.staging-*")); len(m) > 0 {
		t.Errorf("staging folder left: %v", m)
	}
}

func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(why)
	}
	t.Skip(why)
}

// TestServeBindWarning: listening on anything but loopback says so.
func TestServeBindWarning(t *testing.T) {
	root := testSite(t)
	for _, tc := range []struct {
		bind string
		warn bool
	}{{"127.0.0.1", false}, {"localhost", false}, {"0.0.0.0", true}} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // stop as soon as it serves
		var out, errb bytes.Buffer
		code := run(ctx, []string{"serve", "--source", root, "--port", "0", "--bind", tc.bind}, &out, &errb)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", tc.bind, code, errb.String())
		}
		warned := strings.Contains(errb.String(), "reachable from the network")
		if warned != tc.warn {
			t.Errorf("--bind %s: warning %v, want %v (stderr %q)", tc.bind, warned, tc.warn, errb.String())
		}
	}
}
