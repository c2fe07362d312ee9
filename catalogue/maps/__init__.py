"""Maps of resources (issue 22): every geographic format read into one bounded GeoJSON.

``bounded``: checks and bounds geometry (positions counted, nesting capped, drawn thinned);
``geojson_file``, ``kml``, ``shapefile_zip``, ``points``: the readers, one per format;
``preview``: which reader a resource needs, and the result cached once per file;
``basemap``: the country outline shipped with the app (no tile server needed).
"""
