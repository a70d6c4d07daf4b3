/*
 * sandbox_gen.c: tickets a merchant would recognise, for tkt-sandbox.
 * One PRNG stream (splitmix64, not rand(3), so the bytes do not depend on
 * the C library) drives every choice, and every time is an offset from
 * "now": the same seed and --now give the same records, byte for byte.
 * The label vocabulary here is the one tkt-sandbox(1) lists.
 */
#include <stdio.h>
#include <string.h>

#include "sandbox_priv.h"

#define H	3600
#define D	86400

void
tkt_rng_seed(struct tkt_rng *r, uint64_t seed)
{
	r->s = seed ^ 0x5eed5eed5eed5eedULL;
}

uint64_t
tkt_rng_next(struct tkt_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t
tkt_rng_below(struct tkt_rng *r, uint64_t n)
{
	return tkt_rng_next(r) % n;
}

double
tkt_rng_unit(struct tkt_rng *r)
{
	return (double)(tkt_rng_next(r) >> 11) / 9007199254740992.0;
}

/* A value in [lo, hi]. */
static int64_t
span(struct tkt_rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)tkt_rng_below(r, (uint64_t)(hi - lo + 1));
}

enum { EN, FR, DE, ES, IT, PT, NL, JA, NLANG };

static const char *const lang_code[NLANG] = {
	"en", "fr", "de", "es", "it", "pt", "nl", "ja"
};
static const unsigned lang_weight[NLANG] = { 30, 15, 15, 12, 8, 8, 6, 6 };

struct cat {
	const char	*type;
	const char	*name;
	const char	*subject[NLANG];
};

enum { C_PRE, C_DAMAGED, C_RETURN, C_REFUND, C_SHIPPING, C_CHANGE };

static const struct cat cats[] = {
	{ "PRE_PURCHASE", "Pre-Purchase Question", { "Pre-Purchase Question",
	    "Question avant achat", "Frage vor dem Kauf",
	    "Pregunta previa a la compra", "Domanda prima dell'acquisto",
	    "Pergunta antes da compra", "Vraag voor aankoop", "購入前の質問" } },
	{ "ORDER", "Damaged or Defective Item", { "Damaged or Defective Item",
	    "Article endommagé ou défectueux",
	    "Beschädigter oder defekter Artikel", "Artículo dañado o defectuoso",
	    "Articolo danneggiato o difettoso", "Artigo danificado ou defeituoso",
	    "Beschadigd of defect artikel", "破損・不良品" } },
	{ "ORDER", "Return or Exchange", { "Return or Exchange",
	    "Retour ou échange", "Rückgabe oder Umtausch", "Devolución o cambio",
	    "Reso o cambio", "Devolução ou troca", "Retour of ruil",
	    "返品・交換" } },
	{ "ORDER", "Request Refund/Cancel Order", { "Request Refund/Cancel Order",
	    "Demande de remboursement/Annuler la commande",
	    "Rückerstattung anfordern/Bestellung stornieren",
	    "Solicitar reembolso/Cancelar pedido",
	    "Richiedi rimborso/Annulla ordine",
	    "Solicitar Reembolso/ Cancelar Pedido",
	    "Terugbetaling aanvragen/Bestelling annuleren",
	    "返金リクエスト/注文キャンセル" } },
	{ "POST_CUSTOMER_SUPPORT", "Shipping Status or ETA Inquiry", {
	    "Shipping Status or ETA Inquiry", "Statut de livraison ou délai",
	    "Versandstatus oder Lieferzeit", "Estado del envío o plazo de entrega",
	    "Stato della spedizione o tempi di consegna",
	    "Estado do envio ou prazo de entrega", "Verzendstatus of levertijd",
	    "配送状況・到着予定の問い合わせ" } },
	{ "POST_CUSTOMER_SUPPORT", "Change Order", { "Change Order",
	    "Modifier la commande", "Bestellung ändern", "Modificar pedido",
	    "Modifica ordine", "Alterar encomenda", "Bestelling wijzigen",
	    "注文の変更" } },
};

struct sub {
	int		 cat;
	const char	*name;
	const char	*refund;	/* default_refund_reason, or NULL */
	int		 photos;	/* buyers often attach photos */
	const char	*msg[NLANG];	/* the buyer's first message */
	const char	*zh;		/* its Chinese translation */
};

static const struct sub subs[] = {
	{ C_PRE, "Size Advice", NULL, 0, {
	    "Hello, I am usually a size M. Which size should I order for this item?",
	    "Bonjour, je fais habituellement du M. Quelle taille dois-je commander pour cet article ?",
	    "Hallo, ich trage normalerweise M. Welche Größe soll ich für diesen Artikel bestellen?",
	    "Hola, normalmente uso la talla M. ¿Qué talla debo pedir para este artículo?",
	    "Ciao, di solito porto la taglia M. Quale taglia devo ordinare per questo articolo?",
	    "Olá, normalmente uso o tamanho M. Qual tamanho devo encomendar para este artigo?",
	    "Hallo, ik heb meestal maat M. Welke maat moet ik voor dit artikel bestellen?",
	    "こんにちは。普段はMサイズです。この商品はどのサイズを注文すればよいですか？" },
	    "你好，我平时穿M码。这件商品我应该订哪个尺码？" },
	{ C_PRE, "Product Question", NULL, 0, {
	    "Is this product waterproof, and what material is it made of?",
	    "Ce produit est-il imperméable et en quelle matière est-il fait ?",
	    "Ist dieses Produkt wasserdicht und aus welchem Material ist es?",
	    "¿Este producto es impermeable y de qué material está hecho?",
	    "Questo prodotto è impermeabile e di che materiale è fatto?",
	    "Este produto é impermeável e de que material é feito?",
	    "Is dit product waterdicht en van welk materiaal is het gemaakt?",
	    "この商品は防水ですか？素材は何ですか？" },
	    "这个产品防水吗？是什么材料做的？" },
	{ C_PRE, "Discount or Promotion", NULL, 0, {
	    "Do you offer a discount if I buy two of these?",
	    "Proposez-vous une réduction si j'en achète deux ?",
	    "Gibt es einen Rabatt, wenn ich zwei davon kaufe?",
	    "¿Hay algún descuento si compro dos?",
	    "C'è uno sconto se ne compro due?",
	    "Há desconto se eu comprar dois?",
	    "Krijg ik korting als ik er twee koop?",
	    "2つ購入した場合、割引はありますか？" },
	    "如果我买两件有折扣吗？" },
	{ C_PRE, "Availability or Back-Order", NULL, 0, {
	    "This item is sold out in my colour. When will it be back in stock?",
	    "Cet article est épuisé dans ma couleur. Quand sera-t-il de nouveau en stock ?",
	    "Dieser Artikel ist in meiner Farbe ausverkauft. Wann ist er wieder auf Lager?",
	    "Este artículo está agotado en mi color. ¿Cuándo volverá a estar disponible?",
	    "Questo articolo è esaurito nel mio colore. Quando tornerà disponibile?",
	    "Este artigo está esgotado na minha cor. Quando volta a estar disponível?",
	    "Dit artikel is uitverkocht in mijn kleur. Wanneer is het weer op voorraad?",
	    "希望の色が売り切れです。いつ再入荷しますか？" },
	    "我要的颜色卖完了。什么时候补货？" },
	{ C_DAMAGED, "Item Damaged", "23", 1, {
	    "The item arrived damaged, the box was crushed and it is broken. See the photos.",
	    "L'article est arrivé endommagé, le carton était écrasé et il est cassé. Voir les photos.",
	    "Der Artikel kam beschädigt an, der Karton war eingedrückt und er ist kaputt. Siehe Fotos.",
	    "El artículo llegó dañado, la caja estaba aplastada y está roto. Vean las fotos.",
	    "L'articolo è arrivato danneggiato, la scatola era schiacciata ed è rotto. Vedete le foto.",
	    "O artigo chegou danificado, a caixa estava amassada e está partido. Vejam as fotos.",
	    "Het artikel is beschadigd aangekomen, de doos was ingedeukt en het is kapot. Zie de foto's.",
	    "商品が破損して届きました。箱がつぶれていて壊れています。写真をご覧ください。" },
	    "商品到货时已损坏，盒子被压扁了。请看照片。" },
	{ C_DAMAGED, "Item Defective", "22", 1, {
	    "The item does not work. It stopped working after one day.",
	    "L'article ne fonctionne pas. Il a cessé de marcher après un jour.",
	    "Der Artikel funktioniert nicht. Er ist nach einem Tag ausgefallen.",
	    "El artículo no funciona. Dejó de funcionar después de un día.",
	    "L'articolo non funziona. Ha smesso di funzionare dopo un giorno.",
	    "O artigo não funciona. Deixou de funcionar após um dia.",
	    "Het artikel werkt niet. Het is na één dag kapotgegaan.",
	    "商品が動きません。1日で故障しました。" },
	    "商品不能用，一天后就坏了。" },
	{ C_DAMAGED, "Missing Item or Part", "24", 1, {
	    "A part is missing from my package. I only received one of the two pieces.",
	    "Il manque une pièce dans mon colis. Je n'ai reçu qu'un des deux éléments.",
	    "In meinem Paket fehlt ein Teil. Ich habe nur eines der zwei Teile erhalten.",
	    "Falta una pieza en mi paquete. Solo recibí una de las dos partes.",
	    "Manca un pezzo nel mio pacco. Ho ricevuto solo uno dei due elementi.",
	    "Falta uma peça na minha encomenda. Só recebi uma das duas partes.",
	    "Er ontbreekt een onderdeel in mijn pakket. Ik heb maar één van de twee delen ontvangen.",
	    "荷物の部品が足りません。2つのうち1つしか届いていません。" },
	    "包裹里少了一个部件，两件只收到一件。" },
	{ C_RETURN, "Wrong Item", "20", 1, {
	    "I received the wrong item. This is not what I ordered.",
	    "J'ai reçu le mauvais article. Ce n'est pas ce que j'ai commandé.",
	    "Ich habe den falschen Artikel erhalten. Das habe ich nicht bestellt.",
	    "Recibí un artículo equivocado. No es lo que pedí.",
	    "Ho ricevuto l'articolo sbagliato. Non è quello che ho ordinato.",
	    "Recebi o artigo errado. Não é o que encomendei.",
	    "Ik heb het verkeerde artikel ontvangen. Dit heb ik niet besteld.",
	    "注文と違う商品が届きました。" },
	    "我收到的商品不对，不是我订的。" },
	{ C_RETURN, "Wrong Size", "19", 0, {
	    "The size is wrong, it is much too small. Can I exchange it for a larger size?",
	    "La taille ne va pas, c'est beaucoup trop petit. Puis-je l'échanger contre une taille au-dessus ?",
	    "Die Größe passt nicht, es ist viel zu klein. Kann ich es gegen eine größere Größe umtauschen?",
	    "La talla no es correcta, es demasiado pequeña. ¿Puedo cambiarla por una talla más grande?",
	    "La taglia è sbagliata, è troppo piccola. Posso cambiarla con una taglia più grande?",
	    "O tamanho está errado, é pequeno demais. Posso trocar por um tamanho maior?",
	    "De maat klopt niet, het is veel te klein. Kan ik het ruilen voor een grotere maat?",
	    "サイズが小さすぎます。大きいサイズに交換できますか？" },
	    "尺码不对，太小了。可以换大一号吗？" },
	{ C_RETURN, "Quality Complaint", "21", 1, {
	    "The quality is very poor, the fabric is thin and the seams are coming apart.",
	    "La qualité est très mauvaise, le tissu est fin et les coutures se défont.",
	    "Die Qualität ist sehr schlecht, der Stoff ist dünn und die Nähte lösen sich.",
	    "La calidad es muy mala, la tela es fina y las costuras se deshacen.",
	    "La qualità è pessima, il tessuto è sottile e le cuciture si stanno aprendo.",
	    "A qualidade é muito má, o tecido é fino e as costuras estão a descoser.",
	    "De kwaliteit is erg slecht, de stof is dun en de naden laten los.",
	    "品質がとても悪いです。生地が薄く、縫い目がほつれています。" },
	    "质量很差，布料很薄，接缝开线了。" },
	{ C_REFUND, "Refund Request", "19", 0, {
	    "I would like a refund for this order, please.",
	    "Je voudrais être remboursé pour cette commande, s'il vous plaît.",
	    "Ich möchte bitte eine Rückerstattung für diese Bestellung.",
	    "Quisiera un reembolso de este pedido, por favor.",
	    "Vorrei un rimborso per questo ordine, per favore.",
	    "Quero o reembolso desta encomenda, por favor.",
	    "Ik wil graag mijn geld terug voor deze bestelling.",
	    "この注文の返金をお願いします。" },
	    "请为这个订单退款。" },
	{ C_REFUND, "Item Not Received", "18", 0, {
	    "My order has still not arrived after five weeks.",
	    "Ma commande n'est toujours pas arrivée après cinq semaines.",
	    "Meine Bestellung ist nach fünf Wochen immer noch nicht angekommen.",
	    "Mi pedido todavía no ha llegado después de cinco semanas.",
	    "Il mio ordine non è ancora arrivato dopo cinque settimane.",
	    "A minha encomenda ainda não chegou após cinco semanas.",
	    "Mijn bestelling is na vijf weken nog steeds niet aangekomen.",
	    "5週間経っても注文した商品が届きません。" },
	    "五个星期了我的订单还没到。" },
	{ C_SHIPPING, "Where Is My Order", NULL, 0, {
	    "Where is my order? I have not received any news.",
	    "Où est ma commande ? Je n'ai reçu aucune nouvelle.",
	    "Wo ist meine Bestellung? Ich habe keine Nachricht erhalten.",
	    "¿Dónde está mi pedido? No he recibido ninguna noticia.",
	    "Dov'è il mio ordine? Non ho ricevuto notizie.",
	    "Onde está a minha encomenda? Não recebi nenhuma notícia.",
	    "Waar is mijn bestelling? Ik heb niets meer gehoord.",
	    "注文した商品はどこですか？何の連絡もありません。" },
	    "我的订单在哪里？一直没有消息。" },
	{ C_SHIPPING, "Tracking Request", NULL, 0, {
	    "Can you send me the tracking number for my order?",
	    "Pouvez-vous m'envoyer le numéro de suivi de ma commande ?",
	    "Können Sie mir die Sendungsnummer meiner Bestellung schicken?",
	    "¿Pueden enviarme el número de seguimiento de mi pedido?",
	    "Potete inviarmi il numero di tracciamento del mio ordine?",
	    "Podem enviar-me o número de seguimento da minha encomenda?",
	    "Kunt u mij de trackingcode van mijn bestelling sturen?",
	    "注文の追跡番号を送っていただけますか？" },
	    "可以把我订单的物流单号发给我吗？" },
	{ C_SHIPPING, "Shipping Delay", "18", 0, {
	    "The tracking has not moved for two weeks. Why is my parcel delayed?",
	    "Le suivi n'a pas bougé depuis deux semaines. Pourquoi mon colis est-il en retard ?",
	    "Die Sendungsverfolgung steht seit zwei Wochen still. Warum verspätet sich mein Paket?",
	    "El seguimiento no se ha movido en dos semanas. ¿Por qué se retrasa mi paquete?",
	    "Il tracciamento è fermo da due settimane. Perché il mio pacco è in ritardo?",
	    "O seguimento não se altera há duas semanas. Porque está atrasada a minha encomenda?",
	    "De tracking staat al twee weken stil. Waarom is mijn pakket vertraagd?",
	    "追跡情報が2週間更新されていません。なぜ遅れているのですか？" },
	    "物流信息两周没更新了。为什么我的包裹延误了？" },
	{ C_CHANGE, "Change Size or Color", NULL, 0, {
	    "I ordered the wrong size. Can you change it to L before shipping?",
	    "J'ai commandé la mauvaise taille. Pouvez-vous la changer en L avant l'expédition ?",
	    "Ich habe die falsche Größe bestellt. Können Sie sie vor dem Versand auf L ändern?",
	    "Pedí la talla equivocada. ¿Pueden cambiarla a L antes del envío?",
	    "Ho ordinato la taglia sbagliata. Potete cambiarla in L prima della spedizione?",
	    "Encomendei o tamanho errado. Podem mudar para L antes do envio?",
	    "Ik heb de verkeerde maat besteld. Kunt u die vóór verzending in L veranderen?",
	    "サイズを間違えて注文しました。発送前にLに変更できますか？" },
	    "我订错了尺码。发货前可以改成L吗？" },
	{ C_CHANGE, "Change Shipping Address", NULL, 0, {
	    "I have moved. Please send my order to my new address.",
	    "J'ai déménagé. Merci d'envoyer ma commande à ma nouvelle adresse.",
	    "Ich bin umgezogen. Bitte senden Sie meine Bestellung an meine neue Adresse.",
	    "Me he mudado. Por favor, envíen mi pedido a mi nueva dirección.",
	    "Mi sono trasferito. Per favore spedite il mio ordine al nuovo indirizzo.",
	    "Mudei de casa. Por favor enviem a minha encomenda para a nova morada.",
	    "Ik ben verhuisd. Stuur mijn bestelling alstublieft naar mijn nieuwe adres.",
	    "引っ越しました。新しい住所に発送してください。" },
	    "我搬家了。请把订单寄到我的新地址。" },
	{ C_CHANGE, "Remove an Item or Cancel", "19", 0, {
	    "Please cancel one item from my order, I no longer need it.",
	    "Merci d'annuler un article de ma commande, je n'en ai plus besoin.",
	    "Bitte stornieren Sie einen Artikel aus meiner Bestellung, ich brauche ihn nicht mehr.",
	    "Por favor, cancelen un artículo de mi pedido, ya no lo necesito.",
	    "Per favore annullate un articolo del mio ordine, non mi serve più.",
	    "Por favor cancelem um artigo da minha encomenda, já não preciso dele.",
	    "Annuleer alstublieft één artikel uit mijn bestelling, ik heb het niet meer nodig.",
	    "注文から商品を1つキャンセルしてください。もう必要ありません。" },
	    "请取消我订单中的一件商品，我不需要了。" },
};
#define NSUBS (sizeof(subs) / sizeof(subs[0]))

static const char *const followup[NLANG] = {
	"Thanks, but I am still waiting for a solution.",
	"Merci, mais j'attends toujours une solution.",
	"Danke, aber ich warte immer noch auf eine Lösung.",
	"Gracias, pero sigo esperando una solución.",
	"Grazie, ma sto ancora aspettando una soluzione.",
	"Obrigado, mas continuo à espera de uma solução.",
	"Bedankt, maar ik wacht nog steeds op een oplossing.",
	"ありがとうございます。でもまだ解決していません。",
};
static const char followup_zh[] = "谢谢，但我还在等待解决方案。";

static const char *const answer[NLANG] = {
	"Thank you for your message. We are looking into it and will get back to you shortly.",
	"Merci pour votre message. Nous examinons votre demande et revenons vers vous rapidement.",
	"Vielen Dank für Ihre Nachricht. Wir prüfen das und melden uns in Kürze.",
	"Gracias por su mensaje. Lo estamos revisando y le responderemos en breve.",
	"Grazie per il suo messaggio. Stiamo verificando e le risponderemo a breve.",
	"Obrigado pela sua mensagem. Estamos a analisar e respondemos em breve.",
	"Bedankt voor uw bericht. We zoeken het uit en laten snel van ons horen.",
	"ご連絡ありがとうございます。確認のうえ、すぐにご連絡いたします。",
};

static const char wish_review[] =
    "Wish Support has reviewed this ticket and asked the merchant to respond.";
static const char wish_appeal[] =
    "Wish Support is looking into this ticket and will reply within 3 days.";
static const char wish_final[] =
    "Wish Support has resolved this ticket. It is now permanently closed.";

struct who {
	const char	*first[6];
	const char	*last[6];
	const char	*street[3];
	const char	*city[3];
	const char	*region[3];
	const char	*country;
	const char	*phone;		/* prefix */
	int		 zipdigits;
};

static const struct who people[NLANG] = {
	{ { "Emily", "James", "Olivia", "Michael", "Sarah", "David" },
	  { "Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson" },
	  { "Maple Street", "Oak Avenue", "Hillcrest Drive" },
	  { "Columbus", "Austin", "Portland" }, { "OH", "TX", "OR" },
	  "US", "+1 614", 5 },
	{ { "Camille", "Lucas", "Chloé", "Hugo", "Manon", "Julien" },
	  { "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard" },
	  { "rue des Lilas", "avenue Jean Jaurès", "boulevard Voltaire" },
	  { "Lyon", "Toulouse", "Nantes" }, { "", "", "" },
	  "FR", "+33 6", 5 },
	{ { "Lena", "Jonas", "Anna", "Felix", "Sophie", "Lukas" },
	  { "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker" },
	  { "Hauptstraße", "Lindenweg", "Bahnhofstraße" },
	  { "Köln", "Leipzig", "Stuttgart" }, { "", "", "" },
	  "DE", "+49 151", 5 },
	{ { "Lucía", "Javier", "Carmen", "Pablo", "Marta", "Diego" },
	  { "García", "Fernández", "López", "Martínez", "Sánchez", "Romero" },
	  { "Calle Mayor", "Avenida de la Paz", "Calle del Sol" },
	  { "Valencia", "Sevilla", "Zaragoza" }, { "", "", "" },
	  "ES", "+34 6", 5 },
	{ { "Giulia", "Marco", "Francesca", "Luca", "Chiara", "Matteo" },
	  { "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano" },
	  { "Via Roma", "Via Garibaldi", "Corso Italia" },
	  { "Torino", "Bologna", "Napoli" }, { "", "", "" },
	  "IT", "+39 333", 5 },
	{ { "Beatriz", "João", "Inês", "Tiago", "Mariana", "Rui" },
	  { "Silva", "Santos", "Ferreira", "Pereira", "Costa", "Oliveira" },
	  { "Rua das Flores", "Avenida da Liberdade", "Rua do Carmo" },
	  { "Porto", "Braga", "Coimbra" }, { "", "", "" },
	  "PT", "+351 91", 7 },
	{ { "Emma", "Daan", "Sanne", "Bram", "Lotte", "Thijs" },
	  { "de Jong", "Jansen", "de Vries", "van Dijk", "Bakker", "Visser" },
	  { "Kerkstraat", "Dorpsweg", "Molenlaan" },
	  { "Utrecht", "Eindhoven", "Groningen" }, { "", "", "" },
	  "NL", "+31 6", 4 },
	{ { "花子", "太郎", "陽菜", "蓮", "さくら", "健太" },
	  { "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺" },
	  { "中央1-2", "桜町3-4", "本町5-6" },
	  { "大阪市", "名古屋市", "福岡市" }, { "大阪府", "愛知県", "福岡県" },
	  "JP", "+81 90", 7 },
};

struct product {
	const char	*name;
	const char	*sku;
	const char	*sizes[6];	/* NULL-terminated; none: no size */
	int		 lo, hi;	/* price in cents */
};

static const struct product products[] = {
	{ "Women's Summer Floral Maxi Dress", "DRS", { "S", "M", "L", "XL" }, 1299, 2599 },
	{ "Men's Slim Fit Cotton T-Shirt", "TSH", { "S", "M", "L", "XL", "XXL" }, 699, 1499 },
	{ "Waterproof Hiking Jacket", "JKT", { "M", "L", "XL" }, 2999, 5999 },
	{ "Lightweight Running Sneakers", "SNK", { "38", "39", "40", "41", "42", "43" }, 1999, 3999 },
	{ "Wireless Bluetooth Earbuds", "EAR", { NULL }, 999, 2999 },
	{ "Stainless Steel Water Bottle 750ml", "BTL", { NULL }, 799, 1599 },
	{ "LED Desk Lamp with USB Charging", "LMP", { NULL }, 1499, 2999 },
	{ "Silicone Phone Case", "CSE", { "iPhone 13", "iPhone 14", "Galaxy S22" }, 399, 999 },
	{ "High Waist Yoga Leggings", "LEG", { "XS", "S", "M", "L" }, 899, 1899 },
	{ "Kids Dinosaur Backpack", "BPK", { NULL }, 1199, 2299 },
	{ "Smart Watch Fitness Tracker", "WCH", { NULL }, 1999, 4999 },
	{ "Ceramic Coffee Mug Set of 4", "MUG", { NULL }, 1299, 2499 },
	{ "Knitted Winter Beanie", "BNI", { NULL }, 499, 1199 },
	{ "Sterling Silver Pendant Necklace", "NCK", { NULL }, 1599, 3999 },
};
#define NPRODUCTS (sizeof(products) / sizeof(products[0]))

static const char *const colors[] = {
	"Black", "White", "Red", "Navy Blue", "Pink", "Green", "Grey", "Beige"
};

static const struct {
	const char	*name;
	const char	*fmt;		/* digits are filled in */
} carriers[] = {
	{ "ChinaAirPost", "LX#########CN" },
	{ "YunExpress", "YT################" },
	{ "4PX", "4PX############CN" },
	{ "USPS", "9400############" },
	{ "DHL eCommerce", "GM################" },
	{ "La Poste", "6A###########" },
	{ "Royal Mail", "RN#########GB" },
};

/*
 * One order in four that has tracking was shipped once before, with another
 * carrier (v3 lists both, newest first); the earlier one is made up from
 * the order's id when it is rendered, so that any store has such orders.
 */
int
tkt_sbgen_earlier_tracking(const char *order_id, const char *provider,
    const char **carrier, char num[64])
{
	const size_t nc = sizeof(carriers) / sizeof(*carriers);
	struct tkt_rng r;
	uint64_t h = 1469598103934665603ULL;
	size_t cur = nc, pick, i;
	const char *fmt;

	for (const char *s = order_id; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	if (order_id == NULL || (h >> 32) % 4 != 0)
		return 0;
	for (i = 0; provider != NULL && i < nc; i++)
		if (strcmp(carriers[i].name, provider) == 0)
			cur = i;
	tkt_rng_seed(&r, h);
	pick = (size_t)tkt_rng_below(&r, cur < nc ? nc - 1 : nc);
	if (cur < nc && pick >= cur)
		pick++;
	*carrier = carriers[pick].name;
	fmt = carriers[pick].fmt;
	for (i = 0; i < 63 && fmt[i] != '\0'; i++)
		num[i] = fmt[i] == '#' ? (char)('0' + tkt_rng_below(&r, 10)) :
		    fmt[i];
	num[i] = '\0';
	return 1;
}

static const struct {
	const char	*code;
	const char	*text;
} refund_texts[] = {
	{ "18", "Item did not arrive on time" },
	{ "19", "Customer requested a refund" },
	{ "20", "Received the wrong item" },
	{ "21", "Item is of poor quality" },
	{ "22", "Item does not work as described" },
	{ "23", "Item arrived damaged" },
	{ "24", "Item is missing parts" },
};

const char *
tkt_sbgen_refund_text(const char *code)
{
	for (size_t i = 0; i < sizeof(refund_texts) / sizeof(*refund_texts); i++)
		if (strcmp(refund_texts[i].code, code) == 0)
			return refund_texts[i].text;
	return NULL;
}

enum { S_USER, S_MERCHANT, S_WISH };

struct rep {
	int		 sender;
	time_t		 at;
	const char	*msg;
	const char	*tr;
	const char	*zh;
	int		 nimg;
};

struct gen {
	struct tkt_rng	 r;
	time_t		 now;
	char		 merchant[25];
	struct tkt_buf	 b;
	struct tkt_jw	 w;
};

static void
hexid(struct gen *g, time_t t, char out[25])
{
	snprintf(out, 25, "%08lx%016llx", (unsigned long)((uint64_t)t & 0xffffffffUL),
	    (unsigned long long)tkt_rng_next(&g->r));
}

static void
kv(struct tkt_jw *w, const char *k, const char *v)
{
	tkt_jw_key(w, k);
	tkt_jw_str(w, v);
}

static void
kvtime(struct tkt_jw *w, const char *k, time_t t)
{
	tkt_jw_key(w, k);
	tkt_jw_time(w, t);
}

static void
kvdate(struct tkt_jw *w, const char *k, time_t t)
{
	char buf[21];

	tkt_time_format(t, buf);
	tkt_jw_key(w, k);
	tkt_jw_strn(w, buf, 10);
}

static void
kvmoney(struct tkt_jw *w, const char *k, long cents)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld.%02ld", cents / 100, cents % 100);
	kv(w, k, buf);
}

static void
fill_digits(struct gen *g, const char *fmt, char *out, size_t len)
{
	size_t i;

	for (i = 0; fmt[i] != '\0' && i + 1 < len; i++)
		out[i] = fmt[i] == '#' ? (char)('0' + tkt_rng_below(&g->r, 10)) :
		    fmt[i];
	out[i] = '\0';
}

static void
gen_order(struct gen *g, const struct sub *su, const char *txn, time_t opened,
    const char *buyer, int lang, int refunded, time_t closed)
{
	struct tkt_jw *w = &g->w;
	const struct product *p = &products[tkt_rng_below(&g->r, NPRODUCTS)];
	const struct who *who = &people[lang];
	char oid[25], var[25], pid[25], sku[32], buf[64];
	const char *size = NULL;
	long price, cost, ship, shipcost, qty;
	time_t ordered = opened - (time_t)span(&g->r, 2 * D, 30 * D);
	int nsizes = 0, shipped;

	while (nsizes < 6 && p->sizes[nsizes] != NULL)
		nsizes++;
	if (nsizes > 0)
		size = p->sizes[tkt_rng_below(&g->r, (uint64_t)nsizes)];
	hexid(g, ordered, oid);
	hexid(g, ordered, var);
	/* A product keeps its id whatever the seed. */
	snprintf(pid, sizeof(pid), "5a%06x%016llx", (unsigned)(p - products),
	    (unsigned long long)((uint64_t)(p - products) * 0x9e3779b97f4a7c15ULL));
	qty = tkt_rng_below(&g->r, 10) < 8 ? 1 : (long)span(&g->r, 2, 3);
	price = (long)span(&g->r, p->lo / 100, p->hi / 100) * 100 + 99;
	cost = price * 85 / 100;
	ship = (long)span(&g->r, 1, 5) * 100 + 99;
	shipcost = ship * 85 / 100;
	shipped = !(su->cat == C_CHANGE || su->cat == C_PRE) ||
	    tkt_rng_below(&g->r, 10) < 3;

	tkt_jw_obj(w);
	kv(w, "id", oid);
	kv(w, "transaction_id", txn);
	kv(w, "product_id", pid);
	kv(w, "variant_id", var);
	kv(w, "product_name", p->name);
	snprintf(sku, sizeof(sku), "%s-%04u%s%s", p->sku,
	    (unsigned)(p - products) * 37 + 1000, size ? "-" : "",
	    size ? size : "");
	kv(w, "sku", sku);
	kv(w, "size", size);
	kv(w, "color", colors[tkt_rng_below(&g->r, 8)]);
	tkt_jw_key(w, "quantity");
	tkt_jw_int(w, qty);
	kvmoney(w, "price", price);
	kvmoney(w, "cost", cost);
	kvmoney(w, "shipping", ship);
	kvmoney(w, "shipping_cost", shipcost);
	kvmoney(w, "order_total", (cost + shipcost) * qty);
	kv(w, "currency", "USD");
	kv(w, "state", refunded ? "REFUNDED" : shipped ? "SHIPPED" : "APPROVED");
	kvtime(w, "order_time", ordered);
	kvtime(w, "last_updated", refunded ? closed : ordered);
	if (shipped) {
		int c = (int)tkt_rng_below(&g->r,
		    sizeof(carriers) / sizeof(*carriers));

		kv(w, "shipping_provider", carriers[c].name);
		fill_digits(g, carriers[c].fmt, buf, sizeof(buf));
		kv(w, "tracking_number", buf);
		kvdate(w, "shipped_date", ordered + (time_t)span(&g->r, D, 4 * D));
	} else {
		kv(w, "shipping_provider", NULL);
		kv(w, "tracking_number", NULL);
		kv(w, "shipped_date", NULL);
	}
	if (refunded) {
		kv(w, "refunded_reason", tkt_sbgen_refund_text(su->refund ?
		    su->refund : "19"));
		kvdate(w, "refunded_time", closed);
		kv(w, "refunded_by", "REFUNDED BY MERCHANT");
	} else {
		kv(w, "refunded_reason", NULL);
		kv(w, "refunded_time", NULL);
		kv(w, "refunded_by", NULL);
	}
	tkt_jw_key(w, "shipping_detail");
	tkt_jw_obj(w);
	kv(w, "name", buyer);
	{
		int num = (int)span(&g->r, 1, 120);
		const char *st = who->street[tkt_rng_below(&g->r, 3)];

		if (lang == JA)
			snprintf(buf, sizeof(buf), "%s", st);
		else if (lang == EN)
			snprintf(buf, sizeof(buf), "%d %s", num, st);
		else
			snprintf(buf, sizeof(buf), "%s %d", st, num);
	}
	kv(w, "street_address1", buf);
	{
		int ci = (int)tkt_rng_below(&g->r, 3);

		kv(w, "city", who->city[ci]);
		kv(w, "state", who->region[ci]);
	}
	snprintf(buf, sizeof(buf), "%0*lld", who->zipdigits,
	    (long long)tkt_rng_below(&g->r, 10000000) % (who->zipdigits == 4 ?
	    10000 : who->zipdigits == 5 ? 100000 : 10000000));
	kv(w, "zipcode", buf);
	kv(w, "country", who->country);
	snprintf(buf, sizeof(buf), "%s %07u", who->phone,
	    (unsigned)tkt_rng_below(&g->r, 10000000));
	kv(w, "phone_number", buf);
	tkt_jw_obj_end(w);
	tkt_jw_obj_end(w);
}

static void
gen_reply(struct gen *g, const struct rep *rp)
{
	struct tkt_jw *w = &g->w;
	static const char *const sender[] = { "USER", "MERCHANT", "WISH_SUPPORT" };

	tkt_jw_obj(w);
	kv(w, "sender", sender[rp->sender]);
	kvtime(w, "at", rp->at);
	kv(w, "message", rp->msg);
	kv(w, "translated_message", rp->tr);
	if (rp->zh != NULL)
		kv(w, "translated_message_zh", rp->zh);
	tkt_jw_key(w, "images");
	tkt_jw_arr(w);
	for (int i = 0; i < rp->nimg; i++) {
		char url[160], id[25];

		hexid(g, rp->at, id);
		snprintf(url, sizeof(url), "https://s3-us-west-1.amazonaws.com/"
		    "sweeper-production-ticket-image-uploads/%s.jpg", id);
		tkt_jw_str(w, url);
	}
	tkt_jw_arr_end(w);
	tkt_jw_obj_end(w);
}

static const char *
pick_state(struct gen *g)
{
	uint64_t u = tkt_rng_below(&g->r, 100);

	if (u < 55)
		return "AWAITING_MERCHANT";
	if (u < 70)
		return "AWAITING_USER";
	if (u < 85)
		return "CLOSED";
	if (u < 96)
		return "AWAITING_WISH";
	return "PERMANENTLY_CLOSED";
}

/* The conversation and the times of one ticket. */
static size_t
gen_replies(struct gen *g, const char *state, const struct sub *su, int lang,
    struct rep *rp, time_t *closed)
{
	struct tkt_rng *r = &g->r;
	time_t now = g->now, t;
	size_t n = 0;
	struct rep first = { S_USER, 0, su->msg[lang], su->msg[EN], su->zh, 0 };

	if (su->photos && tkt_rng_below(r, 10) < 6)
		first.nimg = (int)span(r, 1, 2);
	*closed = (time_t)-1;
	if (strcmp(state, "AWAITING_MERCHANT") == 0) {
		uint64_t u = tkt_rng_below(r, 100), shape = tkt_rng_below(r, 10);
		time_t wait;

		if (u < 20)		/* overdue */
			wait = (time_t)span(r, 49 * H, 10 * D);
		else if (u < 35)	/* due within 6 hours */
			wait = (time_t)span(r, 42 * H + 60, 48 * H - 600);
		else
			wait = (time_t)span(r, 300, 41 * H);
		t = now - wait;
		if (shape < 3) {
			time_t m = t - (time_t)span(r, H, 3 * D);

			first.at = m - (time_t)span(r, 600, 40 * H);
			rp[n++] = first;
			rp[n++] = (struct rep){ S_MERCHANT, m, answer[lang],
			    NULL, NULL, 0 };
			rp[n++] = (struct rep){ S_USER, t, followup[lang],
			    followup[EN], followup_zh, 0 };
		} else {
			first.at = t;
			rp[n++] = first;
			if (shape == 9 && wait > 1200)
				rp[n++] = (struct rep){ S_WISH,
				    t + (time_t)span(r, 600, wait - 600),
				    wish_review, NULL, NULL, 0 };
		}
		return n;
	}
	first.at = now - (time_t)span(r, 2 * D, 40 * D);
	rp[n++] = first;
	t = first.at + (time_t)span(r, 900, 60 * H);
	if (strcmp(state, "PERMANENTLY_CLOSED") == 0) {
		rp[n++] = (struct rep){ S_WISH, t, wish_final, NULL, NULL, 0 };
		*closed = t;
		return n;
	}
	rp[n++] = (struct rep){ S_MERCHANT, t, answer[lang], NULL, NULL, 0 };
	if (strcmp(state, "AWAITING_WISH") == 0 && tkt_rng_below(r, 2))
		rp[n++] = (struct rep){ S_WISH, t + (time_t)span(r, H, D),
		    wish_appeal, NULL, NULL, 0 };
	if (strcmp(state, "CLOSED") == 0)
		*closed = t + (time_t)span(r, 600, D);
	return n;
}

static void
gen_ticket(struct gen *g)
{
	struct tkt_rng *r = &g->r;
	struct tkt_jw *w = &g->w;
	const struct sub *su = &subs[tkt_rng_below(r, NSUBS)];
	const struct cat *ca = &cats[su->cat];
	const struct who *who;
	struct rep rp[4];
	char id[25], txn[25], bid[25], name[96], label[128], locale[8];
	const char *state = pick_state(g), *closed_by = NULL;
	unsigned lw = 0, pick;
	int lang = 0, nord = 0, refunded = 0, photos = 0;
	size_t nrep;
	time_t closed, updated;

	pick = (unsigned)tkt_rng_below(r, 100);
	for (lang = 0; lang < NLANG - 1; lang++)
		if (pick < (lw += lang_weight[lang]))
			break;
	who = &people[lang];
	snprintf(locale, sizeof(locale), "%s", lang_code[lang]);
	if (tkt_rng_below(r, 5) == 0 && (lang == FR || lang == PT))
		snprintf(locale, sizeof(locale), "%s",
		    lang == FR ? "fr-CA" : "pt-BR");
	snprintf(name, sizeof(name), lang == JA ? "%2$s %1$s" : "%s %s",
	    who->first[tkt_rng_below(r, 6)], who->last[tkt_rng_below(r, 6)]);
	nrep = gen_replies(g, state, su, lang, rp, &closed);
	for (size_t i = 0; i < nrep; i++)
		photos |= rp[i].nimg > 0;
	updated = closed != (time_t)-1 ? closed : rp[nrep - 1].at;
	if (closed != (time_t)-1)
		closed_by = strcmp(state, "PERMANENTLY_CLOSED") == 0 ?
		    "wish support" : tkt_rng_below(r, 10) < 8 ? "merchant" : "user";
	if (su->cat != C_PRE)
		nord = tkt_rng_below(r, 100) < 85 ? 1 : 2;
	refunded = closed_by != NULL && strcmp(ca->type, "ORDER") == 0 &&
	    tkt_rng_below(r, 2);
	hexid(g, rp[0].at, id);
	hexid(g, rp[0].at, txn);
	hexid(g, rp[0].at - (time_t)span(r, 30 * D, 900 * D), bid);

	tkt_jw_obj(w);
	kv(w, "id", id);
	kv(w, "store", "sandbox");
	kv(w, "api", "v2");
	kv(w, "type", ca->type);
	tkt_jw_key(w, "type_inferred");
	tkt_jw_bool(w, 0);
	kv(w, "state", state);
	kv(w, "subject", ca->subject[lang]);
	snprintf(label, sizeof(label), "%s: %s", ca->name, su->name);
	kv(w, "label", label);
	kv(w, "sub_label", su->name);
	kv(w, "refund_reason", su->refund);
	kvtime(w, "opened_at", rp[0].at);
	kvtime(w, "updated_at", updated);
	kvtime(w, "closed_at", closed);
	kv(w, "closed_by", closed_by);
	kv(w, "locale", locale);
	tkt_jw_key(w, "buyer");
	tkt_jw_obj(w);
	kv(w, "id", bid);
	kv(w, "name", name);
	kv(w, "locale", locale);
	kvtime(w, "joined_date", rp[0].at - (time_t)span(r, 30 * D, 900 * D));
	tkt_jw_obj_end(w);
	kv(w, "transaction_id", nord ? txn : "");
	kv(w, "merchant_id", g->merchant);
	tkt_jw_key(w, "photo_proof");
	tkt_jw_bool(w, photos);
	tkt_jw_key(w, "orders");
	tkt_jw_arr(w);
	for (int i = 0; i < nord; i++)
		gen_order(g, su, txn, rp[0].at, name, lang, refunded, closed);
	tkt_jw_arr_end(w);
	tkt_jw_key(w, "replies");
	tkt_jw_arr(w);
	for (size_t i = 0; i < nrep; i++)
		gen_reply(g, &rp[i]);
	tkt_jw_arr_end(w);
	tkt_jw_obj_end(w);
}

int
tkt_sbgen_run(uint64_t seed, long n, time_t now,
    int (*fn)(void *, const char *, size_t), void *arg)
{
	struct gen g;
	int rv = 0;

	memset(&g, 0, sizeof(g));
	tkt_rng_seed(&g.r, seed);
	g.now = now;
	tkt_buf_init(&g.b);
	hexid(&g, now - 400 * D, g.merchant);
	for (long i = 0; i < n && rv == 0; i++) {
		tkt_buf_reset(&g.b);
		tkt_jw_init(&g.w, &g.b);
		gen_ticket(&g);
		rv = fn(arg, g.b.s, g.b.len);
	}
	tkt_buf_free(&g.b);
	return rv;
}
