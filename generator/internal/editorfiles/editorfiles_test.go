package editorfiles

import "testing"

func TestTemporary(t *testing.T) {
	for name, want := range map[string]bool{
		"page.md": false, "_index.md": false, "map.svg": false, "main.css": false, "part.md": false,
		"page.md~": true, ".page.md.swp": true, ".page.md.swx": true, "4913": true, ".#page.md": true,
		"#page.md#": true, "page.md___jb_tmp___": true, "page.md___jb_old___": true, ".git": true,
		".DS_Store": true, "report.pdf.crdownload": true, "upload.part": true, "notes.kate-swp": true,
	} {
		if got := Temporary(name); got != want {
			t.Errorf("Temporary(%q) = %v", name, got)
		}
	}
}
