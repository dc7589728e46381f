"""Publishing a post outside the app: a WordPress draft through the site's REST API."""
