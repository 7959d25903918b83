"""Open311 GeoReport v2 for the complaints channel: views.py lists the endpoints, services.py
what a POST becomes, serializers.py the documents, renderers.py their XML and JSON."""
