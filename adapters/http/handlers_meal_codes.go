package http

import (
	"bytes"
	"time"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/yeqown/go-qrcode/v2"
	qrwriter "github.com/yeqown/go-qrcode/writer/standard"

	"github.com/kincare/kincare/app/meals"
	"github.com/kincare/kincare/domain/meal"
)

// mealCode is the order's code of this minute, never cached: the next
// replaces it in 60 s.
func (h mealHandlers) mealCode(c *fiber.Ctx) error {
	code, until, o, err := h.svc.Code(c.UserContext(), mustActor(c), c.Params("mealOrderId"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"mealOrderId": o.ID, "code": code, "expiresAt": until,
		"rotatesEverySeconds": int(meal.CodePeriod / time.Second)})
}

// nopCloser lets the QR writer write into a buffer.
type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }

// mealCodePNG renders the code of this minute as a QR code, for kiosks
// and for printing from the app.
func (h mealHandlers) mealCodePNG(c *fiber.Ctx) error {
	code, _, _, err := h.svc.Code(c.UserContext(), mustActor(c), c.Params("mealOrderId"))
	if err != nil {
		return err
	}
	return sendQR(c, code)
}

// sendQR answers a code as a QR code in a PNG, never cached.
func sendQR(c *fiber.Ctx, code string) error {
	q, err := qrcode.NewWith(code, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := q.Save(qrwriter.NewWithWriter(nopCloser{&buf}, qrwriter.WithQRWidth(8), qrwriter.WithBuiltinImageEncoder(qrwriter.PNG_FORMAT))); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, "image/png")
	return c.Send(buf.Bytes())
}

// mealCardJSON is an elder's card in force, as the family prints it.
type mealCardJSON struct {
	ElderID  string    `json:"elderId"`
	Serial   int       `json:"serial"`
	Code     string    `json:"code"`
	IssuedAt time.Time `json:"issuedAt"`
}

func toMealCard(card meal.Card, code string) mealCardJSON {
	return mealCardJSON{ElderID: card.ElderID, Serial: card.Serial, Code: code, IssuedAt: card.IssuedAt}
}

func (h mealHandlers) issueCard(c *fiber.Ctx) error {
	var req struct {
		PIN string `json:"pin"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	card, code, err := h.svc.IssueCard(c.UserContext(), mustActor(c), c.Params("elderId"), req.PIN)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(toMealCard(card, code))
}

func (h mealHandlers) getCard(c *fiber.Ctx) error {
	card, code, err := h.svc.Card(c.UserContext(), mustActor(c), c.Params("elderId"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(toMealCard(card, code))
}

// cardPNG is the card's QR, for printing.
func (h mealHandlers) cardPNG(c *fiber.Ctx) error {
	_, code, err := h.svc.Card(c.UserContext(), mustActor(c), c.Params("elderId"))
	if err != nil {
		return err
	}
	return sendQR(c, code)
}

// redeemCard is the counter's scan of a card with the PIN typed.
func (h mealHandlers) redeemCard(c *fiber.Ctx) error {
	var req struct {
		ProviderID string `json:"providerId"`
		Card       string `json:"card"`
		PIN        string `json:"pin"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	o, err := h.svc.RedeemCard(c.UserContext(), mustActor(c), meals.CardRedeemCommand{ProviderID: req.ProviderID,
		Card: req.Card, PIN: req.PIN})
	if err != nil {
		return err
	}
	return c.JSON(toMealOrder(o))
}

// redeem is a canteen device's scan.
func (h mealHandlers) redeem(c *fiber.Ctx) error {
	var req struct {
		Code      string     `json:"code"`
		ScannedAt *time.Time `json:"scannedAt"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	o, err := h.svc.Redeem(c.UserContext(), mustActor(c), meals.RedeemCommand{Code: req.Code, ScannedAt: req.ScannedAt})
	if err != nil {
		return err
	}
	return c.JSON(toMealOrder(o))
}
