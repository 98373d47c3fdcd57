package http

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/auth"
	"github.com/kincare/kincare/domain/identity"
)

type authHandlers struct{ svc *auth.Service }

type otpRequest struct {
	Phone string `json:"phone"`
}

type otpResponse struct {
	ExpiresInSeconds   int `json:"expiresInSeconds"`
	ResendAfterSeconds int `json:"resendAfterSeconds"`
}

func (h authHandlers) requestOTP(c *fiber.Ctx) error {
	var req otpRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	sent, err := h.svc.RequestOTP(c.UserContext(), req.Phone, localeOf(c), clientIP(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(otpResponse{
		ExpiresInSeconds: int(sent.ExpiresIn / time.Second), ResendAfterSeconds: int(sent.ResendAfter / time.Second)})
}

type loginRequest struct {
	Phone    string `json:"phone"`
	Code     string `json:"code"`
	Password string `json:"password"`
}

type tokenResponse struct {
	TokenType             string     `json:"tokenType"`
	AccessToken           string     `json:"accessToken"`
	AccessTokenExpiresAt  time.Time  `json:"accessTokenExpiresAt"`
	RefreshToken          string     `json:"refreshToken"`
	RefreshTokenExpiresAt time.Time  `json:"refreshTokenExpiresAt"`
	NewUser               bool       `json:"newUser"`
	User                  meResponse `json:"user"`
}

func toTokenResponse(p auth.TokenPair) tokenResponse {
	return tokenResponse{TokenType: "Bearer", AccessToken: p.AccessToken, AccessTokenExpiresAt: p.AccessExpiresAt.UTC(),
		RefreshToken: p.RefreshToken, RefreshTokenExpiresAt: p.RefreshExpiresAt.UTC(), NewUser: p.Created,
		User: toMe(p.User)}
}

func (h authHandlers) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	pair, err := h.svc.Login(c.UserContext(), auth.LoginCommand{Phone: req.Phone, Code: req.Code, Password: req.Password,
		Client: clientIP(c)})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toTokenResponse(pair))
}

type refreshRequest struct {
	RefreshToken string `json:"refreshToken"`
}

func (h authHandlers) refresh(c *fiber.Ctx) error {
	var req refreshRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	pair, err := h.svc.Refresh(c.UserContext(), req.RefreshToken)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toTokenResponse(pair))
}

func (h authHandlers) logout(c *fiber.Ctx) error {
	if err := h.svc.Logout(c.UserContext(), mustActor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// body is the request's body, read once: Fiber's Body() walks every
// header (copying each, with Immutable) to look for a Content-Encoding,
// and the contract, the idempotency guard and the handler each need it.
func body(c *fiber.Ctx) []byte {
	if b, ok := c.Locals(localBody).([]byte); ok {
		return b
	}
	b := c.Body()
	c.Locals(localBody, b)
	return b
}

// decode reads a body the contract has already validated; an error here
// means the schema and the struct disagree.
func decode(c *fiber.Ctx, v any) error {
	if err := json.Unmarshal(body(c), v); err != nil {
		return errMalformedJSON.Wrap(err)
	}
	return nil
}

// localeOf is the client's language, for texts we send (SMS).
func localeOf(c *fiber.Ctx) identity.Locale {
	if lang(c.Get(fiber.HeaderAcceptLanguage)) == "en" {
		return identity.LocaleEn
	}
	return identity.LocaleZhCN
}
