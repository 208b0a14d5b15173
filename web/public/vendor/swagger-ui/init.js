// Kept out of the page so the docs work under a content security policy without inline scripts.
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
