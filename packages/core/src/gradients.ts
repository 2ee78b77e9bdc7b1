// Side-effect module: registers every gradient tfjs-core defines. Loaded lazily by
// `registerGradients()`; the Node build bundles it (see tsup.config.ts).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
