// Package auth is Reprise's access control: the admin login (password,
// sessions in cookies, CSRF tokens, login rate limiting), API tokens for
// scripts, per-application client tokens and allowed origins for intake, and
// signed public share links for one session's replay.
//
// What must survive a restart (the signing secret, the generated password's
// hash, login sessions, share links) lives in one small JSON file in the data
// directory, written atomically. Everything is rare (a login, a share), so a
// whole-file rewrite under a mutex is simpler than a table and fast enough.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// AdminUser is the one account's name. Reprise has a single admin login
// (as Datakit and most self-hosted collectors start out); scripts use API
// tokens.
const AdminUser = "admin"

// minAPITokenLen refuses guessable API tokens: they grant everything the UI
// can do and are compared without rate limiting.
const minAPITokenLen = 16

// App is one application allowed to send data when apps are configured.
type App struct {
	ID          string
	ClientToken string // public, sent by the SDK (client_token, dd-api-key)
	// AllowedOrigins are scheme://host[:port] values, "*" or
	// "https://*.example.com"; empty allows any origin (the token suffices).
	AllowedOrigins []string
}

// Config is what New needs.
type Config struct {
	DataDir string
	// AdminPassword, when set, is the admin password; when empty a password
	// is generated at first start, stored hashed and returned once by New.
	AdminPassword string
	APITokens     []string
	// Apps, when empty, lets any application send (the default, as Datakit
	// does); otherwise intake needs a known client token and allowed origin.
	Apps []App
	// OneTimeLogin creates a one-time login link at every start (demo mode),
	// not only at the first.
	OneTimeLogin bool
	// SessionTTL is how long a login lasts; zero means 7 days.
	SessionTTL time.Duration
	// BcryptCost is for tests; zero means bcryptCost.
	BcryptCost int
	Logger     *slog.Logger
	Now        func() time.Time // tests; nil means time.Now
}

// bcryptCost costs about 250 ms a check here: slow for guessing, fine for a
// person logging in. bcrypt rather than the standard library's PBKDF2: it
// resists GPU guessing much better at the same cost to us.
const bcryptCost = 12

// Auth holds the access-control state. It is safe for concurrent use.
type Auth struct {
	cfg        Config
	log        *slog.Logger
	now        func() time.Time
	file       string
	pwHash     []byte // bcrypt
	apiTokens  [][32]byte
	apps       []App
	sessionTTL time.Duration
	limiter    *loginLimiter

	mu    sync.Mutex
	state state
	once  map[[32]byte]time.Time // one-time login tokens (hashed) → expiry; memory only
}

// Started tells the caller what to print at start: a generated password
// (first start only) and a one-time login path.
type Started struct {
	GeneratedPassword string // empty unless generated now
	OneTimeLoginPath  string // empty unless a link was made
}

// New loads or creates the state file in cfg.DataDir and checks cfg.
func New(cfg Config) (*Auth, Started, error) {
	var st Started
	if cfg.DataDir == "" {
		return nil, st, errors.New("auth: DataDir is empty")
	}
	a := &Auth{
		cfg:        cfg,
		log:        cfg.Logger,
		now:        cfg.Now,
		file:       stateFile(cfg.DataDir),
		sessionTTL: cfg.SessionTTL,
		once:       map[[32]byte]time.Time{},
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.sessionTTL <= 0 {
		a.sessionTTL = 7 * 24 * time.Hour
	}
	a.limiter = newLoginLimiter(a.now)
	for i, t := range cfg.APITokens {
		if len(t) < minAPITokenLen {
			return nil, st, fmt.Errorf("auth: api_tokens[%d] is shorter than %d characters", i, minAPITokenLen)
		}
		a.apiTokens = append(a.apiTokens, sha256.Sum256([]byte(t)))
	}
	if err := checkApps(cfg.Apps); err != nil {
		return nil, st, err
	}
	a.apps = cfg.Apps

	s, err := loadState(a.file)
	if err != nil {
		return nil, st, err
	}
	changed := false
	if len(s.Secret) == 0 {
		s.Secret = randomBytes(32)
		changed = true
	}
	cost := cfg.BcryptCost
	if cost == 0 {
		cost = bcryptCost
	}
	firstStart := false
	switch {
	case cfg.AdminPassword != "":
		// A configured password is hashed in memory only, so that changing
		// it in the configuration is all it takes.
		a.pwHash, err = bcrypt.GenerateFromPassword([]byte(cfg.AdminPassword), cost)
		if err != nil {
			return nil, st, fmt.Errorf("auth: hash admin password: %w", err)
		}
		if s.PasswordHash != "" {
			// It replaces a generated one: those sessions end.
			s.PasswordHash, s.Sessions = "", nil
			changed = true
		}
	case s.PasswordHash != "":
		a.pwHash = []byte(s.PasswordHash)
	default:
		pw := generatePassword()
		h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
		if err != nil {
			return nil, st, fmt.Errorf("auth: hash generated password: %w", err)
		}
		s.PasswordHash, a.pwHash = string(h), h
		st.GeneratedPassword = pw
		firstStart, changed = true, true
	}
	a.state = s
	if changed {
		if err := a.saveLocked(); err != nil {
			return nil, Started{}, err
		}
	}
	if firstStart || cfg.OneTimeLogin {
		st.OneTimeLoginPath = a.newOneTimeLogin()
	}
	return a, st, nil
}

func checkApps(apps []App) error {
	ids, tokens := map[string]bool{}, map[string]bool{}
	for i, app := range apps {
		switch {
		case app.ID == "":
			return fmt.Errorf("auth: apps[%d]: id is empty", i)
		case app.ClientToken == "":
			return fmt.Errorf("auth: app %q: client_token is empty", app.ID)
		case ids[app.ID]:
			return fmt.Errorf("auth: app %q is listed twice", app.ID)
		case tokens[app.ClientToken]:
			return fmt.Errorf("auth: app %q: client_token is used by another app", app.ID)
		}
		ids[app.ID], tokens[app.ClientToken] = true, true
		for _, o := range app.AllowedOrigins {
			if err := checkOriginPattern(o); err != nil {
				return fmt.Errorf("auth: app %q: allowed_origins: %w", app.ID, err)
			}
		}
	}
	return nil
}

// CheckPassword reports whether pw is the admin password (bcrypt compares
// in constant time).
func (a *Auth) CheckPassword(pw string) bool {
	return bcrypt.CompareHashAndPassword(a.pwHash, []byte(pw)) == nil
}

// CheckAPIToken reports whether tok is one of the configured API tokens.
// Hashing first makes every comparison the same length, so the time taken
// tells nothing about the tokens.
func (a *Auth) CheckAPIToken(tok string) bool {
	if tok == "" {
		return false
	}
	h := sha256.Sum256([]byte(tok))
	ok := 0
	for _, t := range a.apiTokens {
		ok |= subtle.ConstantTimeCompare(h[:], t[:])
	}
	return ok == 1
}

// newOneTimeLogin makes a login link valid once, for a day, until restart.
// It is what a person clicks in the log of `make run`.
func (a *Auth) newOneTimeLogin() string {
	tok := randomToken(24)
	a.mu.Lock()
	a.once[sha256.Sum256([]byte(tok))] = a.now().Add(24 * time.Hour)
	a.mu.Unlock()
	return "/login/once/" + tok
}

// UseOneTimeLogin consumes a one-time login token.
func (a *Auth) UseOneTimeLogin(tok string) bool {
	h := sha256.Sum256([]byte(tok))
	a.mu.Lock()
	defer a.mu.Unlock()
	exp, ok := a.once[h]
	if !ok {
		return false
	}
	delete(a.once, h)
	return a.now().Before(exp)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand panics on the impossible)
	return b
}

func randomToken(n int) string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(n))
}

// generatePassword makes 20 characters from an alphabet without look-alikes
// (about 100 bits), grouped by dashes so a person can copy it by eye.
func generatePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	out := make([]byte, 0, 23)
	for i := 0; i < 20; i++ {
		if i > 0 && i%5 == 0 {
			out = append(out, '-')
		}
		out = append(out, alphabet[randIndex(len(alphabet))])
	}
	return string(out)
}

// randIndex draws uniformly from [0, n) by rejection (no modulo bias).
func randIndex(n int) int {
	limit := 256 - 256%n
	for {
		b := randomBytes(1)[0]
		if int(b) < limit {
			return int(b) % n
		}
	}
}
