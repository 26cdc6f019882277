import type { ModelSummary } from '../../ml/modelSummary';

const format = (n: number) => n.toLocaleString('en-US');

/** Keras' model.summary(), as a table behind a disclosure: long (a MobileNet has 150 layers), and wanted only now and then. */
export function ModelSummaryTable({ summary }: { summary: ModelSummary }) {
  return (
    <details className="model-summary">
      <summary>
        Model summary: {format(summary.totalParams)} parameters in {summary.layers.length} layers
      </summary>
      <div className="table-scroll">
        <table className="summary-table" aria-label="Model summary">
          <thead>
            <tr>
              <th>Layer (type)</th>
              <th>Output shape</th>
              <th>Param #</th>
            </tr>
          </thead>
          <tbody>
            {summary.layers.map((layer) => (
              <tr key={layer.name}>
                <td>
                  {layer.name} ({layer.type})
                </td>
                <td>{layer.outputShape}</td>
                <td className="num">{format(layer.params)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={2}>Total params</td>
              <td className="num" data-testid="total-params">
                {format(summary.totalParams)}
              </td>
            </tr>
            <tr>
              <td colSpan={2}>Trainable params</td>
              <td className="num">{format(summary.trainableParams)}</td>
            </tr>
            <tr>
              <td colSpan={2}>Non-trainable params</td>
              <td className="num">{format(summary.nonTrainableParams)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </details>
  );
}
