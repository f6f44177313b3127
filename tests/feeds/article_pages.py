"""Article pages for the full-text tests: a real-looking news page with its body buried in
navigation, ads, a share bar, related links, a cookie banner and a comment thread."""

from __future__ import annotations

BODY_SENTENCES = (
    "OpenAI and Amazon Web Services announced a stateful runtime environment for OpenAI models "
    "on Amazon Bedrock in late February 2026.",
    "Under the agreement AWS invests $50 billion in OpenAI and becomes the sole third-party cloud "
    "provider for Frontier, a model still in limited testing with select clients.",
    "OpenAI maintains that Azure remains the exclusive cloud for its stateless APIs, a line that "
    "several analysts describe as a grey area in the Microsoft contract.",
    "Microsoft executives were said to regard the arrangement as unworkable and to be weighing "
    "legal action before the full launch of Frontier.",
    "People familiar with the talks said the three companies were negotiating a compromise that "
    "would keep Azure at the centre of OpenAI's commercial offering.",
)
NAV_TEXT = "Subscribe to our newsletter for exclusive deals"
AD_TEXT = "Advertisement: Buy cheap cloud credits today with promo code SAVE50"
COMMENT_TEXT = "This is clearly a bad deal for Microsoft shareholders, wake up people"
RELATED_TEXT = "Ten gadgets you will not believe exist"


def article_page(sentences: tuple[str, ...] = BODY_SENTENCES,
                 title: str = "OpenAI's AWS deal tests Azure exclusivity") -> bytes:
    paragraphs = "\n".join(f"<p>{s}</p>" for s in sentences)
    comments = "\n".join(
        f'<li class="comment"><span class="author">reader{i}</span><p>{COMMENT_TEXT} #{i}</p></li>'
        for i in range(6)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Example News</title>
<script>window.dataLayer = [{{"event": "pageview"}}];</script>
<style>.ad {{ color: red }}</style></head>
<body>
<div id="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
<header class="site-header"><nav class="main-nav"><ul>
<li><a href="/">Home</a></li><li><a href="/tech">Tech</a></li><li><a href="/business">Business</a></li>
<li><a href="/newsletter">{NAV_TEXT}</a></li></ul></nav></header>
<div class="ad-slot ad" id="top-ad"><a href="https://ads.example/c">{AD_TEXT}</a></div>
<main><article class="post">
<h1>{title}</h1>
<div class="byline">By Jane Writer, 19 March 2026</div>
<div class="share-bar"><a href="#">Share on X</a> <a href="#">Share on LinkedIn</a></div>
<div class="entry-content">
{paragraphs}
</div>
</article>
<aside class="related"><h3>Related</h3><ul><li><a href="/x">{RELATED_TEXT}</a></li>
<li><a href="/y">Celebrity chef opens new restaurant</a></li></ul></aside>
<section id="comments" class="comments"><h3>12 comments</h3><ol class="comment-list">{comments}</ol></section>
</main>
<footer class="site-footer"><p>Copyright 2026 Example News. All rights reserved.</p>
<nav><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></nav></footer>
</body></html>""".encode()
