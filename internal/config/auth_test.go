package config

import (
	"io"
	"reflect"
	"testing"
)

func TestLoadAuthAndApps(t *testing.T) {
	path := writeFile(t, `
[auth]
admin_password = "from-file"
api_tokens = ["file-token-0123456789"]

[[apps]]
id = "shop"
client_token = "pub-shop"
allowed_origins = ["https://shop.example"]

[[apps]]
id = "blog"
client_token = "pub-blog"
`)
	cfg, err := Load([]string{"--config", path}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Auth.AdminPassword != "from-file" || !reflect.DeepEqual(cfg.Auth.APITokens, []string{"file-token-0123456789"}) {
		t.Fatalf("auth from file: %+v", cfg.Auth)
	}
	want := []App{{ID: "shop", ClientToken: "pub-shop", AllowedOrigins: []string{"https://shop.example"}}, {ID: "blog", ClientToken: "pub-blog"}}
	if !reflect.DeepEqual(cfg.Apps, want) {
		t.Fatalf("apps: %+v, want %+v", cfg.Apps, want)
	}
	// DESIGN 3.1's variable names win over the file; flags win over both.
	cfg, err = Load([]string{"--config", path, "--api-tokens", "flag-token-0123456789"},
		env(map[string]string{"REPRISE_ADMIN_PASSWORD": "from-env", "REPRISE_API_TOKENS": "a-0123456789abcdef, b-0123456789abcdef"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Auth.AdminPassword != "from-env" || !reflect.DeepEqual(cfg.Auth.APITokens, []string{"flag-token-0123456789"}) {
		t.Fatalf("auth from env and flags: %+v", cfg.Auth)
	}
	cfg, _ = Load(nil, env(map[string]string{"REPRISE_API_TOKENS": "a-0123456789abcdef, b-0123456789abcdef"}), io.Discard)
	if !reflect.DeepEqual(cfg.Auth.APITokens, []string{"a-0123456789abcdef", "b-0123456789abcdef"}) {
		t.Fatalf("REPRISE_API_TOKENS: %q", cfg.Auth.APITokens)
	}
}
