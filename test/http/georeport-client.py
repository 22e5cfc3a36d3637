"""Drives PyPI's georeport Open311 client against a running server; prints one JSON object: operation -> outcome.

Usage: python georeport-client.py BASE_URL ID1,ID2 START_DATE END_DATE
"""
import json
import sys

from georeport import GeoReport

base, ids, start, end = sys.argv[1], sys.argv[2].split(','), sys.argv[3], sys.argv[4]
outcomes = {}

for fmt in ('json', 'xml'):
    client = GeoReport(base, jurisdiction='al-waha', output_format=fmt)

    def run(name, call):
        try:
            outcomes[f'{name}.{fmt}'] = {'ok': True, 'value': call()}
        except Exception as err:  # the test reports what failed and why
            outcomes[f'{name}.{fmt}'] = {'ok': False, 'error': f'{type(err).__name__}: {err}'}

    run('get_service_list', client.get_service_list)
    run('get_service_definition', lambda: client.get_service_definition('roads'))
    run('get_service_requests_by_id', lambda: client.get_service_requests(service_request_id=','.join(ids)))
    run('get_service_requests_filtered', lambda: client.get_service_requests(
        service_code='roads', status='open', start_date=start, end_date=end))
    run('get_service_request', lambda: client.get_service_request(ids[0]))
    run('get_unknown_service_request', lambda: client.get_service_request('C-00000-00000'))

print(json.dumps(outcomes))
